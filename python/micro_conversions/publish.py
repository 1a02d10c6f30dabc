"""Write -> audit -> publish: BI tools read only what passed every error-severity check.

1. write:   `dbt build` into the working database (models, data tests, unit tests).
2. audit:   Great Expectations suites on every public mart (see gx_audit), Data Docs written.
3. publish: only if 1 and 2 passed, the public marts replace the published layer at once:
   - DuckDB: a new file is written beside the published one and renamed over it (an atomic
     rename). A reader holding the old file open keeps reading the old, complete set; new
     connections see the new set. The build never opens the published file for writing in place,
     so a BI tool holding it open never blocks the build.
   - Postgres: the marts are copied into a fresh schema and swapped with the published schema
     in one transaction.
   Each publish appends to `publish_audit` (in the published layer): when, which dbt run, each
   mart and its row count. A failure publishes nothing and says what failed.

    mc-publish                      # DuckDB: build/micro_conversions.duckdb -> published/micro_conversions.duckdb
    MC_PUBLISHED_PATH=/srv/bi/marts.duckdb mc-publish
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from micro_conversions import __version__
from micro_conversions.dbt_runner import configure_environment, failures, run_dbt
from micro_conversions.gx_audit import AuditResult, build_specs, public_marts, read_marts, run_audit
from micro_conversions.project import ProjectNotFound, find_project_dir, work_root

DEFAULT_WORK_DB = "build/micro_conversions.duckdb"
# A public mart may lose at most this share of its rows from one publish to the next (and never
# become empty) unless the publish is told so (--allow-shrink).
DEFAULT_MAX_SHRINK = 0.5
DEFAULT_PUBLISHED = "published/micro_conversions.duckdb"
AUDIT_TABLE = "publish_audit"


class PublishRefused(RuntimeError):
    """The build or the audit failed: nothing was published."""


@dataclass
class PublishOutcome:
    run_id: str
    published_at: dt.datetime
    row_counts: dict[str, int]
    destination: str
    audit: AuditResult


def _duckdb_path(value: str | os.PathLike, project_dir: Path | None = None) -> Path:
    """A path as given, relative ones from the work root (the checkout, or the current folder)."""
    path = Path(value)
    return path if path.is_absolute() else work_root(project_dir or find_project_dir()) / path


def published_path(project_dir: Path | None = None) -> Path:
    return _duckdb_path(os.environ.get("MC_PUBLISHED_PATH", DEFAULT_PUBLISHED), project_dir)


def _audit_rows(run_id: str, published_at: dt.datetime, row_counts: dict[str, int]) -> list[tuple]:
    return [(published_at, run_id, name, count) for name, count in sorted(row_counts.items())]


def publish_duckdb(work_db: Path, destination: Path, marts: list[str], run_id: str) -> dict[str, int]:
    """Copies `marts` from `work_db` into a new file and renames it over `destination`."""
    import duckdb

    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.tmp")
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con = duckdb.connect(str(staging))
    try:
        con.execute(f"attach '{work_db}' as work (read_only)")
        counts = {}
        for name in marts:
            con.execute(f'create table main."{name}" as select * from work.main."{name}"')
            counts[name] = con.execute(f'select count(*) from main."{name}"').fetchone()[0]
        con.execute(
            f"create table main.{AUDIT_TABLE} (published_at timestamp not null, run_id varchar not null, "
            "mart varchar not null, row_count bigint not null)"
        )
        if destination.exists():
            # Keep the history of earlier publishes.
            con.execute(f"attach '{destination}' as previous (read_only)")
            tables = {
                r[0]
                for r in con.execute(
                    "select table_name from duckdb_tables() where database_name = 'previous'"
                ).fetchall()
            }
            if AUDIT_TABLE in tables:
                con.execute(f"insert into main.{AUDIT_TABLE} select * from previous.main.{AUDIT_TABLE}")
            con.execute("detach previous")
        con.executemany(
            f"insert into main.{AUDIT_TABLE} values (?, ?, ?, ?)", _audit_rows(run_id, published_at, counts)
        )
        con.execute("detach work")
        con.execute("checkpoint")
    except BaseException:
        con.close()
        staging.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(staging, destination)
    return counts


def publish_postgres(
    connection, work_schema: str, published_schema: str, marts: list[str], run_id: str, grants: dict | None = None
) -> dict[str, int]:
    """Copies `marts` into a fresh schema and swaps it with `published_schema`, in one transaction.
    `grants` (mart -> dbt grants config, e.g. {"select": ["bi_reader"]}) are applied to the copies,
    with USAGE on the published schema for every grantee: BI roles read the published marts and
    nothing else (the working schema, with staging, quarantine and raw events, stays closed)."""
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    fresh, old = f"{published_schema}__next", f"{published_schema}__previous"
    counts = {}
    with connection:  # one transaction: commit on success, rollback on any error
        cur = connection.cursor()
        cur.execute(f'drop schema if exists "{fresh}" cascade')
        cur.execute(f'drop schema if exists "{old}" cascade')
        cur.execute(f'create schema "{fresh}"')
        for name in marts:
            cur.execute(f'create table "{fresh}"."{name}" as select * from "{work_schema}"."{name}"')
            cur.execute(f'select count(*) from "{fresh}"."{name}"')
            counts[name] = cur.fetchone()[0]
        cur.execute(
            f'create table "{fresh}".{AUDIT_TABLE} (published_at timestamp not null, run_id text not null, '
            "mart text not null, row_count bigint not null)"
        )
        cur.execute(
            "select 1 from information_schema.tables where table_schema = %s and table_name = %s",
            (published_schema, AUDIT_TABLE),
        )
        if cur.fetchone():
            cur.execute(f'insert into "{fresh}".{AUDIT_TABLE} select * from "{published_schema}".{AUDIT_TABLE}')
        cur.executemany(
            f'insert into "{fresh}".{AUDIT_TABLE} values (%s, %s, %s, %s)', _audit_rows(run_id, published_at, counts)
        )
        grantees = set()
        for name in marts:
            for privilege, roles in (grants or {}).get(name, {}).items():
                for role in [roles] if isinstance(roles, str) else roles:
                    cur.execute(f'grant {privilege} on "{fresh}"."{name}" to "{role}"')
                    grantees.add(role)
        for role in sorted(grantees):
            cur.execute(f'grant usage on schema "{fresh}" to "{role}"')
            cur.execute(f'grant select on "{fresh}".{AUDIT_TABLE} to "{role}"')
        cur.execute("select 1 from information_schema.schemata where schema_name = %s", (published_schema,))
        if cur.fetchone():
            cur.execute(f'alter schema "{published_schema}" rename to "{old}"')
        cur.execute(f'alter schema "{fresh}" rename to "{published_schema}"')
        cur.execute(f'drop schema if exists "{old}" cascade')
    return counts


def last_published_counts_duckdb(destination: Path) -> dict[str, int]:
    """mart -> row count of the latest publish recorded in the published file (empty if none)."""
    import duckdb

    if not destination.exists():
        return {}
    with duckdb.connect(str(destination), read_only=True) as con:
        tables = {r[0] for r in con.sql("select table_name from duckdb_tables()").fetchall()}
        if AUDIT_TABLE not in tables:
            return {}
        rows = con.execute(LAST_PUBLISH_SQL.format(audit=f"main.{AUDIT_TABLE}")).fetchall()
    return dict(rows)


def last_published_counts_postgres(connection, published_schema: str) -> dict[str, int]:
    with connection.cursor() as cur:
        cur.execute(
            "select 1 from information_schema.tables where table_schema = %s and table_name = %s",
            (published_schema, AUDIT_TABLE),
        )
        if not cur.fetchone():
            return {}
        cur.execute(LAST_PUBLISH_SQL.format(audit=f'"{published_schema}".{AUDIT_TABLE}'))
        return dict(cur.fetchall())


LAST_PUBLISH_SQL = """
    select mart, row_count from {audit}
    where published_at = (select max(published_at) from {audit})
"""


def shrink_violations(previous: dict[str, int], current: dict[str, int], max_shrink: float) -> list[str]:
    """Public marts that became empty, or lost more than `max_shrink` of their rows, since the
    last publish: each as a line naming the mart and both counts."""
    problems = []
    for mart, now in sorted(current.items()):
        before = previous.get(mart)
        if not before:
            continue  # new mart, or empty before too
        if now == 0:
            problems.append(f"{mart}: {before} rows at the last publish, now empty")
        elif (before - now) / before > max_shrink:
            problems.append(
                f"{mart}: {before} rows at the last publish, now {now} "
                f"(-{(before - now) / before:.0%}, more than the {max_shrink:.0%} allowed)"
            )
    return problems


def quarantine_summary(read_sql) -> str:
    """One line: raw rows, quarantined rows and their share, by reason."""
    frame = read_sql(
        "select quarantine_reason, count(*) as n from stg_events_quarantine group by quarantine_reason "
        "order by count(*) desc, quarantine_reason"
    )
    raw = int(read_sql("select count(*) as n from stg_events_checked")["n"].iloc[0])
    quarantined = int(frame["n"].sum()) if len(frame) else 0
    share = quarantined / raw if raw else 0.0
    reasons = ", ".join(f"{r.quarantine_reason} {int(r.n)}" for r in frame.itertuples())
    return f"quarantined {quarantined} of {raw} raw rows ({share:.2%})" + (f": {reasons}" if reasons else "")


def _run_id(target_path: Path) -> str:
    try:
        return json.loads((target_path / "run_results.json").read_text())["metadata"]["invocation_id"]
    except (OSError, KeyError, ValueError):
        return uuid.uuid4().hex


def _target() -> str:
    return os.environ.get("MC_TARGET", "duckdb")


def postgres_connection():
    """A connection to the `postgres` target's database, from the same MC_PG_* variables as profiles.yml."""
    import psycopg2

    return psycopg2.connect(
        host=os.environ.get("MC_PG_HOST", "127.0.0.1"),
        port=int(os.environ.get("MC_PG_PORT", "5432")),
        user=os.environ.get("MC_PG_USER", ""),
        password=os.environ.get("MC_PG_PASSWORD", ""),
        dbname=os.environ.get("MC_PG_DATABASE", "micro_conversions"),
    )


def postgres_schemas() -> tuple[str, str]:
    """(working schema, published schema) of the `postgres` target."""
    work = os.environ.get("MC_PG_SCHEMA", "micro_conversions")
    return work, os.environ.get("MC_PG_PUBLISHED_SCHEMA", f"{work}_published")


def _read_postgres(connection):
    import pandas as pd

    def read(sql):
        with connection.cursor() as cur:
            cur.execute(sql)
            columns = [d[0] for d in cur.description]
            frame = pd.DataFrame(cur.fetchall(), columns=columns)
        # numeric arrives as Decimal objects: compare as numbers.
        for column in frame.columns:
            if frame[column].map(lambda v: v.__class__.__name__ == "Decimal").any():
                frame[column] = frame[column].astype("float64")
        return frame

    return read


def build_audit_publish(
    work_db: Path | None = None,
    destination: Path | None = None,
    gx_dir: Path | None = None,
    dbt_vars: dict | None = None,
    project_dir: Path | None = None,
    target_path: Path | None = None,
    log=print,
    full_refresh: bool = False,
    max_shrink: float = DEFAULT_MAX_SHRINK,
    allow_shrink: bool = False,
) -> PublishOutcome:
    """Runs the three steps on the target of MC_TARGET (DuckDB by default, or Postgres);
    raises PublishRefused (published layer untouched) on failure. A public mart that would become
    empty, or lose more than `max_shrink` of its rows since the last publish, refuses the publish
    unless `allow_shrink`."""
    import duckdb

    engine = _target()
    project_dir = project_dir or find_project_dir()
    target_path = target_path or (work_root(project_dir) / "target")
    if engine == "duckdb":
        work_db = work_db or _duckdb_path(os.environ.get("MC_DUCKDB_PATH", DEFAULT_WORK_DB), project_dir)
        destination = destination or published_path(project_dir)
        gx_dir = gx_dir or (work_db.parent / "gx")
        work_db.parent.mkdir(parents=True, exist_ok=True)
        configure_environment(work_db, project_dir)
        where = str(work_db)
    elif engine == "postgres":
        configure_environment(project_dir=project_dir)
        work_schema, published_schema = postgres_schemas()
        gx_dir = gx_dir or (work_root(project_dir) / "build" / "gx")
        where = f"schema {work_schema} of database {os.environ.get('MC_PG_DATABASE', 'micro_conversions')}"
    else:
        raise PublishRefused(f"publishing is implemented for the duckdb and postgres targets, not {engine}")

    log(f"[1/3] dbt build into {where}")
    args = ["build", "--full-refresh"] if full_refresh else ["build"]
    result = run_dbt(args, dbt_vars=dbt_vars, target_path=target_path, project_dir=project_dir)
    failed = failures(result)
    failed = {k: v for k, v in failed.items() if not v.startswith("skipped")} or failed
    if not result.success:
        lines = [f"  {name}: {message[:500]}" for name, message in sorted(failed.items())]
        if result.exception is not None:
            lines.append(f"  {result.exception}")
        raise PublishRefused("dbt build failed; nothing published:\n" + "\n".join(lines))
    run_id = _run_id(target_path)
    for r in result.result or []:
        if str(r.status) == "warn":
            log(f"  warning (dbt): {r.node.name}: {r.message}")

    log("[2/3] Great Expectations audit of the public marts")
    manifest = json.loads((target_path / "manifest.json").read_text())
    specs = build_specs(manifest)
    if engine == "duckdb":
        with duckdb.connect(str(work_db), read_only=True) as con:
            frames = read_marts(lambda sql: con.sql(sql).df(), specs)
            log(f"  {quarantine_summary(lambda sql: con.sql(sql).df())}")
        previous = last_published_counts_duckdb(destination)
    else:
        connection = postgres_connection()
        try:
            frames = read_marts(_read_postgres(connection), specs)
            with connection.cursor() as cur:
                cur.execute(f'set search_path to "{work_schema}"')
            log(f"  {quarantine_summary(_read_postgres(connection))}")
            previous = last_published_counts_postgres(connection, published_schema)
        finally:
            connection.close()
    audit = run_audit(frames, specs, gx_dir, run_name=run_id)
    for line in audit.warnings:
        log(f"  warning: {line}")
    if audit.data_docs_index:
        log(f"  Data Docs: {audit.data_docs_index}")
    if not audit.success:
        raise PublishRefused(
            "Great Expectations audit failed; nothing published:\n" + "\n".join(f"  {f}" for f in audit.failures)
        )

    shrunk = shrink_violations(previous, {name: len(frame) for name, frame in frames.items()}, max_shrink)
    if shrunk and not allow_shrink:
        raise PublishRefused(
            "public marts shrank since the last publish; nothing published (rerun with --allow-shrink "
            "if this is intended):\n" + "\n".join(f"  {line}" for line in shrunk)
        )
    for line in shrunk:
        log(f"  allowed by --allow-shrink: {line}")

    marts = [s.name for s in specs]
    if engine == "duckdb":
        log(f"[3/3] publish {len(specs)} marts to {destination}")
        counts = publish_duckdb(work_db, destination, marts, run_id)
    else:
        log(f"[3/3] publish {len(specs)} marts to schema {published_schema}")
        grants = {node["name"]: node["config"].get("grants") or {} for node in public_marts(manifest)}
        connection = postgres_connection()
        try:
            counts = publish_postgres(connection, work_schema, published_schema, marts, run_id, grants)
        finally:
            connection.close()
        destination = published_schema
    return PublishOutcome(
        run_id=run_id,
        published_at=dt.datetime.now(dt.UTC),
        row_counts=counts,
        destination=str(destination),
        audit=audit,
    )


def parse_vars(text: str | None) -> dict | None:
    """dbt's --vars: a YAML mapping (JSON is YAML too); a clear error otherwise."""
    if not text or not text.strip():
        return None
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SystemExit(f"mc-publish: --vars is not valid YAML: {error}") from None
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SystemExit(f"mc-publish: --vars must be a mapping such as '{{key: value}}', got: {text}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mc-publish", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--work-db", help="working DuckDB file (default: MC_DUCKDB_PATH or build/micro_conversions.duckdb)"
    )
    parser.add_argument(
        "--published", help="published DuckDB file (default: MC_PUBLISHED_PATH or published/micro_conversions.duckdb)"
    )
    parser.add_argument(
        "--project-dir",
        help="the micro_conversions dbt project (default: MC_PROJECT_DIR, this checkout, or the wheel's copy)",
    )
    parser.add_argument("--vars", help="dbt vars, as dbt takes them: a YAML (or JSON) mapping")
    parser.add_argument("--full-refresh", action="store_true", help="rebuild every incremental model from scratch")
    parser.add_argument(
        "--max-shrink",
        type=float,
        default=float(os.environ.get("MC_MAX_SHRINK", DEFAULT_MAX_SHRINK)),
        help="largest share of rows a public mart may lose since the last publish (default: MC_MAX_SHRINK or "
        f"{DEFAULT_MAX_SHRINK})",
    )
    parser.add_argument(
        "--allow-shrink", action="store_true", help="publish even when a public mart became empty or shrank"
    )
    args = parser.parse_args(argv)
    try:
        project_dir = find_project_dir(args.project_dir)
    except ProjectNotFound as missing:
        print(f"mc-publish: {missing}", file=sys.stderr)
        return 2
    try:
        outcome = build_audit_publish(
            work_db=_duckdb_path(args.work_db, project_dir) if args.work_db else None,
            destination=_duckdb_path(args.published, project_dir) if args.published else None,
            project_dir=project_dir,
            dbt_vars=parse_vars(args.vars),
            full_refresh=args.full_refresh,
            max_shrink=args.max_shrink,
            allow_shrink=args.allow_shrink,
        )
    except PublishRefused as refused:
        print(f"PUBLISH REFUSED: {refused}", file=sys.stderr)
        print("The published marts were left as they were.", file=sys.stderr)
        return 1
    total = sum(outcome.row_counts.values())
    print(f"Published {len(outcome.row_counts)} marts ({total} rows), run {outcome.run_id}, to {outcome.destination}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
