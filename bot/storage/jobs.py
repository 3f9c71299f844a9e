"""Scheduled-run records: the idempotency keys that make every scheduled post happen once.

A run's life: `claimed` (a process holds a lease on it) -> `done` | `skipped` | `failed`, or
`retry` after a delivery failure with attempts left. A claim whose lease ran out belongs to a
process that died and is taken over; that costs no attempt, because only real delivery failures
count. `send_started_at` marks a run whose post may be in the channel already, so whoever sends
it next looks for it first.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.storage.database import Database

#: Real delivery failures (Discord said no, or could not be reached) before a run is given up.
MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=5)
#: A claim not renewed for this long belongs to a process that died; it is taken over.
STALE_AFTER = timedelta(minutes=2)

OPEN = ("claimed", "retry")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


@dataclass(frozen=True)
class Claim:
    """The right to deliver one run, until the lease runs out."""

    guild_id: int
    kind: str
    run_key: str
    token: str
    first_claimed: datetime
    failures: int
    takeover: bool  # the previous holder died while working on it
    maybe_sent: bool  # a send began before: look in the channel before sending again


@dataclass(frozen=True)
class RunRow:
    guild_id: int
    kind: str
    run_key: str
    status: str
    failures: int
    send_started: bool
    done_at: str | None
    detail: str | None


async def claim_run(db: Database, guild_id: int, kind: str, run_key: str, now: datetime) -> Claim | None:
    """Claim (guild, kind, key); a Claim only for the one caller that may deliver it now.

    A new key is claimed by inserting it; a `retry` once its time has come; a `claimed` run whose
    lease ran out (its process died) at once. Finished runs never are.
    """
    token = secrets.token_hex(8)
    lease = _iso(now + STALE_AFTER)
    # No lock is needed (and none is taken, so shard processes never queue here): a new key is
    # claimed by the one INSERT that adds the row; any other claim is a compare-and-set UPDATE
    # guarded by the row exactly as it was read, so of two processes only one changes it.
    inserted = await db.execute(
        "INSERT INTO job_runs (guild_id, kind, run_key, claimed_at, lease_until, claim_token)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, kind, run_key) DO NOTHING",
        (guild_id, kind, run_key, _iso(now), lease, token),
    )
    if inserted == 1:
        return Claim(guild_id, kind, run_key, token, now, 0, takeover=False, maybe_sent=False)
    row = await db.fetch_one(
        "SELECT status, claimed_at, lease_until, retry_at, failures, send_started_at, claim_token"
        " FROM job_runs WHERE guild_id = ? AND kind = ? AND run_key = ?",
        (guild_id, kind, run_key),
    )
    if row is None:
        return None
    takeover = row["status"] == "claimed" and row["lease_until"] <= _iso(now)
    retry = row["status"] == "retry" and (row["retry_at"] or "") <= _iso(now)
    if not (takeover or retry):
        return None
    won = await db.execute(
        "UPDATE job_runs SET status = 'claimed', lease_until = ?, claim_token = ?,"
        " takeovers = takeovers + ? WHERE guild_id = ? AND kind = ? AND run_key = ?"
        " AND status = ? AND lease_until = ? AND COALESCE(claim_token, '') = ?",
        (
            lease,
            token,
            int(takeover),
            guild_id,
            kind,
            run_key,
            row["status"],
            row["lease_until"],
            row["claim_token"] or "",
        ),
    )
    if won != 1:
        return None  # another process claimed it between the read and the write
    return Claim(
        guild_id,
        kind,
        run_key,
        token,
        datetime.fromisoformat(row["claimed_at"]),
        row["failures"],
        takeover=takeover,
        maybe_sent=row["send_started_at"] is not None,
    )


def _mine(claim: Claim) -> tuple[int, str, str, str]:
    return (claim.guild_id, claim.kind, claim.run_key, claim.token)


_WHERE_MINE = " WHERE guild_id = ? AND kind = ? AND run_key = ? AND claim_token = ? AND status = 'claimed'"


async def renew_lease(db: Database, claim: Claim, now: datetime) -> bool:
    """Keep the claim while still working on it; False if it was lost (taken over)."""
    changed = await db.execute(
        "UPDATE job_runs SET lease_until = ?" + _WHERE_MINE, (_iso(now + STALE_AFTER), *_mine(claim))
    )
    return changed == 1


async def mark_sending(db: Database, claim: Claim, now: datetime) -> bool:
    """Written before the send starts: from here on the post may be in the channel."""
    changed = await db.execute(
        "UPDATE job_runs SET send_started_at = COALESCE(send_started_at, ?)" + _WHERE_MINE,
        (_iso(now), *_mine(claim)),
    )
    return changed == 1


async def finish_run(db: Database, claim: Claim, now: datetime, *, status: str, detail: str = "") -> bool:
    """End a claimed run as done, skipped or failed (final)."""
    assert status in ("done", "skipped", "failed")
    changed = await db.execute(
        "UPDATE job_runs SET status = ?, done_at = ?, detail = ?, claim_token = NULL" + _WHERE_MINE,
        (status, _iso(now), detail[:500], *_mine(claim)),
    )
    return changed == 1


async def record_failure(db: Database, claim: Claim, now: datetime, detail: str) -> str | None:
    """Count one real delivery failure: 'retry' while attempts are left, else 'failed' (final).
    None when the claim was lost meanwhile (someone else owns the run now)."""
    failures = claim.failures + 1
    status = "retry" if failures < MAX_ATTEMPTS else "failed"
    changed = await db.execute(
        "UPDATE job_runs SET status = ?, failures = ?, retry_at = ?, done_at = ?, detail = ?,"
        " claim_token = NULL" + _WHERE_MINE,
        (
            status,
            failures,
            _iso(now + RETRY_AFTER) if status == "retry" else None,
            _iso(now) if status == "failed" else None,
            detail[:500],
            *_mine(claim),
        ),
    )
    return status if changed == 1 else None


async def open_runs(db: Database, kind: str, now: datetime) -> list[RunRow]:
    """Unfinished runs of a kind nobody is working on: waiting to retry, or left by a dead process."""
    rows = await db.fetch_all(
        "SELECT guild_id, kind, run_key, status, failures, send_started_at, done_at, detail FROM job_runs"
        " WHERE kind = ? AND status IN ('claimed', 'retry')"
        " AND (status = 'retry' OR lease_until <= ?)",
        (kind, _iso(now)),
    )
    return [_row(row) for row in rows]


async def expire_run(db: Database, row: RunRow, now: datetime, detail: str) -> bool:
    """Give up an open run whose moment has passed (final `failed`); True for the one caller that
    did it, so the failure is logged once."""
    changed = await db.execute(
        "UPDATE job_runs SET status = 'failed', done_at = ?, detail = ?, claim_token = NULL"
        " WHERE guild_id = ? AND kind = ? AND run_key = ? AND status = ?"
        " AND (status = 'retry' OR lease_until <= ?)",
        (_iso(now), detail[:500], row.guild_id, row.kind, row.run_key, row.status, _iso(now)),
    )
    return changed == 1


def _row(row: object) -> RunRow:
    return RunRow(
        row["guild_id"],  # type: ignore[index]
        row["kind"],  # type: ignore[index]
        row["run_key"],  # type: ignore[index]
        row["status"],  # type: ignore[index]
        row["failures"],  # type: ignore[index]
        row["send_started_at"] is not None,  # type: ignore[index]
        row["done_at"],  # type: ignore[index]
        row["detail"],  # type: ignore[index]
    )


async def get_run(db: Database, guild_id: int, kind: str, run_key: str) -> RunRow | None:
    row = await db.fetch_one(
        "SELECT guild_id, kind, run_key, status, failures, send_started_at, done_at, detail FROM job_runs"
        " WHERE guild_id = ? AND kind = ? AND run_key = ?",
        (guild_id, kind, run_key),
    )
    return None if row is None else _row(row)


async def run_status(db: Database, guild_id: int, kind: str, run_key: str) -> str | None:
    return await db.fetch_value(
        "SELECT status FROM job_runs WHERE guild_id = ? AND kind = ? AND run_key = ?",
        (guild_id, kind, run_key),
    )


#: Runs that are one member's direct message, not a post in the guild: their failures are not the
#: guild's (and are not for moderators to read in /setup).
PRIVATE_KINDS = ("review-dm",)


async def last_failure(db: Database, guild_id: int) -> RunRow | None:
    """The guild's latest given-up post, unless a later post of the same kind went out since."""
    row = await db.fetch_one(
        "SELECT f.guild_id, f.kind, f.run_key, f.status, f.failures, f.send_started_at, f.done_at, f.detail"
        " FROM job_runs f WHERE f.guild_id = ? AND f.status = 'failed'"
        f" AND f.kind NOT IN ({', '.join('?' for _ in PRIVATE_KINDS)})"
        " AND NOT EXISTS (SELECT 1 FROM job_runs d WHERE d.guild_id = f.guild_id AND d.kind = f.kind"
        "                 AND d.status = 'done' AND d.done_at > f.done_at)"
        " ORDER BY f.done_at DESC LIMIT 1",
        (guild_id, *PRIVATE_KINDS),
    )
    return None if row is None else _row(row)


async def first_claimed_at(db: Database, guild_id: int, kind: str, run_key: str) -> str | None:
    """When a run was first claimed (ISO, UTC): its post went out right after, so a search of the
    channel for it starts there."""
    value = await db.fetch_value(
        "SELECT claimed_at FROM job_runs WHERE guild_id = ? AND kind = ? AND run_key = ?",
        (guild_id, kind, run_key),
    )
    return None if value is None else str(value)


async def runs_to_follow(
    db: Database, kind: str, after_kind: str, follow_kind: str, since_key: str
) -> list[tuple[int, str]]:
    """(guild, run_key) of done `kind` runs (keys >= `since_key`) that a later done `after_kind`
    run has overtaken and whose `follow_kind` run is not finished: e.g. threads opened on a daily
    post that the next daily post has replaced, and not closed yet."""
    rows = await db.fetch_all(
        "SELECT o.guild_id, o.run_key FROM job_runs o WHERE o.kind = ? AND o.status = 'done'"
        " AND o.run_key >= ?"
        " AND EXISTS (SELECT 1 FROM job_runs d WHERE d.guild_id = o.guild_id AND d.kind = ?"
        "             AND d.status = 'done' AND d.run_key > o.run_key)"
        " AND NOT EXISTS (SELECT 1 FROM job_runs c WHERE c.guild_id = o.guild_id AND c.kind = ?"
        "                 AND c.run_key = o.run_key AND c.status IN ('done', 'failed', 'skipped'))"
        " ORDER BY o.guild_id, o.run_key",
        (kind, since_key, after_kind, follow_kind),
    )
    return [(int(row[0]), str(row[1])) for row in rows]


async def done_runs(db: Database, kind: str, run_keys: Collection[str]) -> set[tuple[int, str]]:
    """(guild, run_key) of the done runs of `kind` among `run_keys`: one query for every guild (the
    keys are local dates, at most a few distinct ones at any moment)."""
    keys = sorted(set(run_keys))
    if not keys:
        return set()
    rows = await db.fetch_all(
        f"SELECT guild_id, run_key FROM job_runs WHERE kind = ? AND status = 'done'"
        f" AND run_key IN ({', '.join('?' for _ in keys)})",
        (kind, *keys),
    )
    return {(int(row[0]), str(row[1])) for row in rows}
