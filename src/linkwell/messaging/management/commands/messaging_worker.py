import contextlib

from django.core.management.base import BaseCommand

from linkwell.messaging import worker


class Command(BaseCommand):
    help = "Send due messages from the outbox (loops; --once sends one batch and stops)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, once=False, **options):
        if once:
            tried = worker.send_due_messages()
            self.stdout.write(f"{tried} message(s) tried")
            return
        with contextlib.suppress(KeyboardInterrupt):
            worker.run_forever()
