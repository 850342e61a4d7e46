"""The `linkwell` command: demo, serve, worker, token, and every Django management command."""

from __future__ import annotations

import argparse
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwell.settings")
    import django

    django.setup()


def _serve(port: int, host: str, workers: int) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print(f"Linkwell is running at http://{host}:{port}/  (press Ctrl+C to stop)", flush=True)
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "linkwell.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        # Access logs show paths only; Linkwell never puts personal data in URLs.
        "--access-logformat",
        '%(t)s "%(m)s %(U)s" %(s)s %(L)ss',
        # Questionnaire links /q/<token>/ are logged as /q/[redacted]/.
        "--logger-class",
        "linkwell.outcomes.log_redaction.RedactingGunicornLogger",
    ]
    os.execv(sys.executable, args)  # noqa: S606 - replace this process with gunicorn


def _print_sign_ins() -> None:
    from linkwell.demo import DEMO_PASSWORD, DEMO_SIGN_INS

    print(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD})")
    width = max(len(email) for email, _ in DEMO_SIGN_INS)
    for email, what in DEMO_SIGN_INS:
        print(f"  {email.ljust(width)}  {what}")
    print()


# Hyphenated names for Django commands (a module name cannot contain a hyphen).
COMMAND_ALIASES = {
    "import-postcodes": "import_postcodes",
    "import-imd": "import_imd",
    "import-oruk": "import_oruk",
    "export-oruk": "export_oruk",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="linkwell",
        description="Linkwell social prescribing. Any other command is passed to Django "
        "(for example: linkwell migrate, linkwell createsuperuser).",
    )
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="load the demo data into an empty database, then serve")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--no-serve", action="store_true", help="load the demo and stop")
    serve = sub.add_parser("serve", help="run the web server")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--workers", type=int, default=2)
    sub.add_parser("worker", help="run background tasks (messages, reminders)")
    token = sub.add_parser("token", help="manage API tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    create = token_sub.add_parser("create", help="print a new API token for a user")
    create.add_argument("email")
    create.add_argument("--name", default="")

    if argv and argv[0] in COMMAND_ALIASES:
        argv[0] = COMMAND_ALIASES[argv[0]]
    elif argv and "-" in argv[0] and not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")  # every Django command also answers hyphenated
    known = {"demo", "serve", "worker", "token", "-h", "--help"}
    if not argv or argv[0] not in known:
        _setup()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["linkwell", *argv])
        return

    args = parser.parse_args(argv)
    _setup()
    from django.core.management import call_command

    if args.command == "demo":
        from linkwell.accounts.models import Organisation

        call_command("migrate", interactive=False, verbosity=0)
        if Organisation.objects.exists():
            print("The database already has data, so the demo was not loaded again.")
            _print_sign_ins()
        else:
            call_command("load_demo")  # prints a summary and the sign-ins
            from linkwell.messaging.demo import demo_send_outbox

            demo_send_outbox(stdout=sys.stdout)  # console channel: confirmations to var/outbox
        if not args.no_serve:
            _serve(args.port, args.host, workers=2)
    elif args.command == "serve":
        _serve(args.port, args.host, args.workers)
    elif args.command == "worker":
        # The outbox loop (linkwell.messaging) runs beside django-tasks' worker.
        import threading

        from linkwell.messaging.worker import run_forever

        threading.Thread(target=run_forever, name="messaging", daemon=True).start()
        call_command("db_worker")
    elif args.command == "token":
        from linkwell.accounts.models import User
        from linkwell.accounts.services import api_token_create

        user = User.objects.filter(email__iexact=args.email).first()
        if user is None:
            print(f"No user with email {args.email}", file=sys.stderr)
            sys.exit(2)
        print(api_token_create(user=user, name=args.name))


if __name__ == "__main__":
    main()
