from __future__ import annotations

from members.models import User
from projects.models import Application, Notification


def notify(*, recipients: list[User], title: str, body: str = "", application: Application | None = None) -> None:
    Notification.objects.bulk_create(
        [Notification(recipient=user, title=title, body=body, application=application) for user in recipients if user]
    )


def applicant_users(application: Application) -> list[User]:
    if application.applicant_member_id:
        user = application.applicant_member.user
        return [user] if user else []
    return [application.created_by] if application.created_by_id else []
