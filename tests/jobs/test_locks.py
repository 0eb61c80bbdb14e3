"""Row locks take only the rows they guard (PostgreSQL).

Found by the load test: putting a person on a task locked the task *and its site* (a
`select_for_update()` over a `select_related`), then waited for the person's visit. Another tablet
marking that person ready held the visit and, at commit, checked its log entry's foreign key to the
site: each waited for the other, and PostgreSQL killed one of them with "deadlock detected".
"""

import threading
import time

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs.services import assignment_create
from tests.factories import CustomerFactory, ParticipantFactory, TaskFactory, VisitFactory
from tests.locking import waiting_for_a_lock as _waiting_for_a_lock

pytestmark = pytest.mark.django_db(transaction=True)


def test_putting_a_person_on_a_task_does_not_deadlock_with_their_readiness(on_postgres, site):
    task = TaskFactory(customer=CustomerFactory(site=site))
    visit = VisitFactory(participant=ParticipantFactory(site=site), site=site, readiness="ready")
    outcome = {}

    def assign():
        try:
            outcome["assignment"] = assignment_create(task=task, visit=visit, by=None)
        except Exception as error:  # the test reports whatever happened
            outcome["error"] = error
        finally:
            connection.close()

    # Another tablet's readiness, held open: the visit locked, a log entry pointing at the site
    # (Django's foreign keys are checked at commit).
    other = connections.create_connection("default")
    other.set_autocommit(False)
    with other.cursor() as cursor:
        cursor.execute("SELECT id FROM dagsverket_visit WHERE id = %s FOR UPDATE", [visit.pk])
        cursor.execute(
            "INSERT INTO dagsverket_activitylog (at, site_id, action, object_type, object_id, data)"
            " VALUES (%s, %s, 'readiness', 'dagsverket.visit', %s, '{}')",
            [timezone.now(), site.pk, visit.pk],
        )
    thread = threading.Thread(target=assign)
    thread.start()
    deadline = time.monotonic() + 10
    while _waiting_for_a_lock() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)  # until the assignment waits for the visit
    other.commit()  # checks the log entry's site: must not wait for the assignment
    other.close()
    thread.join(timeout=20)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["assignment"].visit_id == visit.pk


def test_the_assignment_locks_name_their_own_tables(on_postgres, site):
    task = TaskFactory(customer=CustomerFactory(site=site))
    visit = VisitFactory(participant=ParticipantFactory(site=site), site=site, readiness="ready")
    with CaptureQueriesContext(connection) as queries:
        assignment_create(task=task, visit=visit, by=None)
    locks = [query["sql"] for query in queries.captured_queries if "FOR UPDATE" in query["sql"]]
    assert len(locks) == 2
    assert locks[0].endswith('FOR UPDATE OF "jobs_task"')
    assert locks[1].endswith('FOR UPDATE OF "dagsverket_visit"')
