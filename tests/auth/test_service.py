import time

import pytest
from sqlalchemy import func, select

from coop.auth import service
from coop.auth.models import LoginAttempt
from coop.errors import DomainError
from tests import factories
from tests.conftest import PASSWORD

LIMITS = service.ThrottleLimits(per_account=3, per_ip=5, window_seconds=600)


def test_passwords_are_argon2id_hashes(session):
    u = factories.user(session, "a@example.org")
    assert u.password_hash.startswith("$argon2id$")
    assert service.verify_password(u.password_hash, PASSWORD)
    assert not service.verify_password(u.password_hash, "wrong")
    assert not service.verify_password(None, PASSWORD)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 10"),
        ("password123", "too common"),
        ("1234567890", "too common"),
        ("sam.smith-pass", "email"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, problem):
    problems = " ".join(service.password_problems(password, "sam.smith@example.org"))
    assert problem in problems


def test_a_good_password_has_no_problems():
    assert service.password_problems("river-lantern-pebble", "sam@example.org") == []


def test_authenticate_checks_password_and_never_says_if_the_account_exists(session):
    factories.user(session, "a@example.org")
    assert (
        service.authenticate(session, "A@Example.org ", PASSWORD, "1.1.1.1", LIMITS).email == "a@example.org"
    )
    with pytest.raises(DomainError) as wrong:
        service.authenticate(session, "a@example.org", "nope", "1.1.1.1", LIMITS)
    with pytest.raises(DomainError) as unknown:
        service.authenticate(session, "nobody@example.org", "nope", "1.1.1.1", LIMITS)
    assert wrong.value.message == unknown.value.message == service.GENERIC_LOGIN_ERROR


def test_too_many_failures_lock_the_account_even_with_the_right_password(session):
    factories.user(session, "a@example.org")
    for _ in range(3):
        with pytest.raises(DomainError):
            service.authenticate(session, "a@example.org", "nope", "1.1.1.1", LIMITS)
    with pytest.raises(DomainError, match="Too many attempts"):
        service.authenticate(session, "a@example.org", PASSWORD, "2.2.2.2", LIMITS)


def test_too_many_failures_from_one_address_lock_that_address(session):
    factories.user(session, "a@example.org")
    for i in range(5):
        with pytest.raises(DomainError):
            service.authenticate(session, f"x{i}@example.org", "nope", "9.9.9.9", LIMITS)
    with pytest.raises(DomainError, match="Too many attempts"):
        service.authenticate(session, "a@example.org", PASSWORD, "9.9.9.9", LIMITS)
    # another address is fine
    assert service.authenticate(session, "a@example.org", PASSWORD, "8.8.8.8", LIMITS)


def test_success_clears_the_account_failures(session):
    factories.user(session, "a@example.org")
    for _ in range(2):
        with pytest.raises(DomainError):
            service.authenticate(session, "a@example.org", "nope", "1.1.1.1", LIMITS)
    service.authenticate(session, "a@example.org", PASSWORD, "1.1.1.1", LIMITS)
    count = session.scalar(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.email == "a@example.org")
    )
    assert count == 0


def test_link_tokens_expire_are_tamper_proof_and_single_use(session):
    u = factories.user(session, "a@example.org")
    token = service.make_token("k", u, "reset")
    assert service.user_from_token(session, "k", token, "reset", 60).id == u.id
    with pytest.raises(DomainError, match="not valid"):
        service.user_from_token(session, "k", token[:-2] + "xx", "reset", 60)
    with pytest.raises(DomainError, match="not valid"):
        service.user_from_token(session, "k", token, "invite", 60)  # other purpose
    time.sleep(1.1)
    with pytest.raises(DomainError, match="expired"):
        service.user_from_token(session, "k", token, "reset", 0)
    service.set_password(session, u, "river-lantern-pebble")
    with pytest.raises(DomainError, match="already been used"):
        service.user_from_token(session, "k", token, "reset", 60)


def test_duplicate_email_is_refused(session):
    factories.user(session, "a@example.org")
    with pytest.raises(DomainError, match="already an account"):
        service.create_user_within(session, "A@example.org", ["member"])


def test_roles_change_is_audited_and_last_admin_is_kept(session):
    admin = factories.user(session, "admin@example.org", ("admin",))
    other = factories.user(session, "b@example.org", ("member",))
    service.set_roles(session, other, {"member", "coordinator"}, actor_id=admin.id)
    assert other.role_names == {"member", "coordinator"}
    with pytest.raises(DomainError, match="at least one admin"):
        service.set_roles(session, admin, {"member"}, actor_id=admin.id)
    from coop.audit.models import AuditEntry

    entries = session.scalars(select(AuditEntry)).all()
    assert [(e.action, e.object_id) for e in entries] == [("roles.change", str(other.id))]
    assert '"coordinator"' in entries[0].after
