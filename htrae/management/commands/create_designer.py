"""`manage.py create_designer NAME`: an admin account for a world designer."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from htrae.designers import DESIGNERS_GROUP


class Command(BaseCommand):
    help = "Create (or promote) a staff account in the Designers group: it edits the world, not users."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", help="Prompted for when omitted (keeps it out of shell history).")

    def handle(self, *args, username, password=None, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = password or getpass.getpass(f"Password for designer {username}: ")
            try:
                validate_password(password, user=User(username=username))
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            user = User.objects.create_user(username=username, password=password)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=DESIGNERS_GROUP))
        self.stdout.write(self.style.SUCCESS(f"{username} is a designer: log in at /admin/."))
