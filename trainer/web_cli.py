"""Web commands of ``trainer``: serve, create users, seed demo accounts."""

from __future__ import annotations

import click

DEMO_USERS = (
    ("demo", "demo-password", "Demo Learner", "learner"),
    ("trainer", "trainer-password", "Demo Trainer", "trainer author"),
)


def _app():  # type: ignore[no-untyped-def]
    from trainer.app import create_app

    return create_app()


def register(group: click.Group) -> None:
    """Add the commands to the ``trainer`` group."""

    @group.command("create-user")
    @click.argument("username")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--name", default="", help="Display name.")
    @click.option(
        "--role",
        "roles",
        multiple=True,
        type=click.Choice(["learner", "trainer", "author", "admin"]),
        help="Extra role (repeatable).",
    )
    def create_user_cmd(username: str, password: str, name: str, roles: tuple[str, ...]) -> None:
        """Create a user (every user is a learner; add --role trainer etc.)."""
        from trainer.db import get_session
        from trainer.services.accounts import AccountError, create_user

        app = _app()
        try:
            with app.app_context():
                user = create_user(get_session(), username, password, name, " ".join(roles))
        except AccountError as exc:
            reasons = {
                "username": "usernames are 3-80 letters, digits or _ . @ -",
                "password": "passwords need at least 8 characters",
                "taken": "that username is taken",
                "role": "unknown role",
            }
            raise click.ClickException(reasons.get(str(exc), str(exc))) from None
        finally:
            app.extensions["trainer.engine"].dispose()
        click.echo(f"Created {user.username} ({user.roles}).")

    @group.command("grant")
    @click.argument("username")
    @click.argument("role", type=click.Choice(["trainer", "author", "admin"]))
    @click.option("--revoke", is_flag=True, help="Withdraw the role instead.")
    def grant_cmd(username: str, role: str, revoke: bool) -> None:
        """Grant a role to a user (an admin's job), e.g. `trainer grant alice trainer`."""
        from trainer.db import get_session
        from trainer.services.cohorts import CohortError, set_role

        app = _app()
        try:
            with app.app_context():
                user = set_role(get_session(), username, role, grant=not revoke)
        except CohortError as exc:
            raise click.ClickException(
                f"no user called {username!r}" if str(exc) == "unknown" else str(exc)
            ) from None
        finally:
            app.extensions["trainer.engine"].dispose()
        click.echo(f"{user.username} now holds: {user.roles}.")

    @group.command("seed-demo")
    def seed_demo() -> None:
        """Create the demo accounts if they do not exist."""
        app = _app()
        _seed(app)
        app.extensions["trainer.engine"].dispose()

    @group.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=int)
    @click.option("--debug/--no-debug", default=False)
    def serve(host: str, port: int, debug: bool) -> None:
        """Run the web app (development server) with demo accounts."""
        app = _app()
        _seed(app)
        click.echo(f"\n  Trainer running at http://{host}:{port}/")
        click.echo(f"  Demo learner: {DEMO_USERS[0][0]} / {DEMO_USERS[0][1]}")
        click.echo(f"  Demo trainer: {DEMO_USERS[1][0]} / {DEMO_USERS[1][1]}\n")
        app.run(host=host, port=port, debug=debug, use_reloader=debug)


def _seed(app) -> None:  # type: ignore[no-untyped-def]
    from trainer.db import get_session
    from trainer.services.accounts import create_user, find_user

    with app.app_context():
        session = get_session()
        for username, password, name, roles in DEMO_USERS:
            if find_user(session, username) is None:
                create_user(session, username, password, name, roles)
