"""Staff see every job's last run, result and failure in the admin (django-celery-results),
and the schedule (django-celery-beat)."""

import pytest
from django.contrib.auth import get_user_model

from claimcheck.freshness.tasks import warm_after_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def results_kept(jobs_run_here):
    """Jobs run here, their results stored as a worker stores them (the task reads the
    setting when it is bound, so it is set on the task)."""
    warm_after_change.store_eager_result = True
    yield
    warm_after_change.store_eager_result = False


def test_a_job_that_ran_is_listed_with_its_outcome(superuser_client, results_kept, settings):
    settings.SITE_URL = "http://testserver"
    warm_after_change.delay([])
    page = superuser_client.get("/admin/django_celery_results/taskresult/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "freshness.warm_after_change" in text
    assert "SUCCESS" in text


def test_the_schedule_is_shown(superuser_client):
    assert superuser_client.get("/admin/django_celery_beat/periodictask/").status_code == 200


def test_an_editor_without_the_permission_sees_no_jobs(client, staff_login):
    editor = get_user_model().objects.create_user("ed", password="x" * 16, is_staff=True)
    staff_login(client, editor)
    assert client.get("/admin/django_celery_results/taskresult/").status_code == 403
