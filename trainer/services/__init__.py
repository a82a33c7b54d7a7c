"""Services: the database work between the web views and the pure story core."""
