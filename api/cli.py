"""The `sunlight` command: run the platform, its relay and projector, and rebuild read models."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from api.settings import REPOSITORY, Settings

cli = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Sunlight: event-sourced performance supervision for service centres.")

DataDir = Annotated[Path | None, typer.Option("--data", help="Data folder (embedded mode).")]
Mode = Annotated[str, typer.Option("--mode", help="embedded (SQLite + chDB) or server (PostgreSQL, Kafka, ClickHouse).")]


def settings_for(mode: str | None = None, data: Path | None = None) -> Settings:
    overrides: dict = {}
    if mode is not None:
        if mode not in ("embedded", "server"):
            fail(f"--mode must be embedded or server, not '{mode}'")
        overrides["mode"] = mode
    if data is not None:
        overrides["data_dir"] = data
    return Settings(**overrides)


def fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


def serve(deployment, host: str, port: int) -> None:
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(deployment), host=host, port=port, log_level="warning")


def build(settings: Settings):
    from api.bootstrap import build_deployment

    try:
        return build_deployment(settings)
    except Exception as error:  # a server that is not there is an operator's problem, not a traceback
        fail(f"cannot start the {settings.mode} deployment: {type(error).__name__}: {error}")


@cli.command()
def up(data: DataDir = None, api_port: int = typer.Option(8000, "--api-port"),
       ui_port: int = typer.Option(8501, "--ui-port"), host: str = typer.Option("127.0.0.1", "--host")) -> None:
    """Run the embedded platform (API + console), seeding a demo centre on first start."""
    from api.seed import seed_demo_centre
    from streams.follower import last_position

    settings = settings_for("embedded", data)
    deployment = build(settings)
    if last_position(deployment.centre) == 0:
        typer.echo("First start: seeding a demo service centre …")
        seed_demo_centre(deployment.centre, progress=True)
        deployment.follower.catch_up()
    api_url = f"http://{host}:{api_port}"
    console = start_console(api_url, host, ui_port)
    password = (settings.admin_password or read_text(settings.data_dir / "admin-password")
                or "(as SUNLIGHT_ADMIN_PASSWORD was at first start)")
    typer.echo(f"\nSunlight is running (embedded, data in {settings.data_dir.resolve()})\n"
               f"  API      {api_url}   (docs: {api_url}/docs)\n"
               f"  Console  http://{host}:{ui_port}\n"
               f"  Sign in  admin / {password}\n")
    try:
        serve(deployment, host, api_port)
    finally:
        console.terminate()


def start_console(api_url: str, host: str, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "streamlit", "run", str(REPOSITORY / "ui" / "app.py"), "--server.headless", "true",
               "--server.address", host, "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    return subprocess.Popen(command, env={**os.environ, "SUNLIGHT_API_URL": api_url}, stdout=subprocess.DEVNULL)


def read_text(path: Path) -> str | None:
    return path.read_text().strip() if path.exists() else None


@cli.command()
def api(mode: Mode = "embedded", data: DataDir = None, port: int = typer.Option(8000, "--port"),
        host: str = typer.Option("127.0.0.1", "--host")) -> None:
    """Run the API alone (embedded: it owns the chDB read models; server: it reads ClickHouse)."""
    settings = settings_for(mode, data)
    deployment = build(settings)
    if deployment.created_admin_password and not settings.admin_password:
        typer.echo(f"created user admin with password {deployment.created_admin_password}")
    typer.echo(f"Sunlight API ({settings.mode}) on http://{host}:{port}")
    serve(deployment, host, port)


@cli.command()
def relay() -> None:
    """Server mode: publish the event store's log to Kafka, keyed by aggregate id."""
    from api.processes import run_relay

    settings = settings_for("server")
    guard(lambda: run_relay(settings))


@cli.command()
def project() -> None:
    """Server mode: consume the Kafka topic as a consumer group into the ClickHouse read models."""
    from api.processes import run_projector

    settings = settings_for("server")
    guard(lambda: run_projector(settings))


@cli.command()
def rebuild(mode: Mode = "embedded", data: DataDir = None) -> None:
    """Drop the read models and rebuild them from the event store (stop the API/projector first)."""
    from api.processes import rebuild_read_models

    settings = settings_for(mode, data)
    started = time.perf_counter()
    count = guard(lambda: rebuild_read_models(settings, progress=True))
    seconds = time.perf_counter() - started
    typer.echo(f"rebuilt {count} events in {seconds:.1f} s ({count / max(seconds, 1e-9):,.0f} events/s)")


@cli.command()
def verify(mode: Mode = "embedded", data: DataDir = None,
           stream: str | None = typer.Option(None, "--stream", help="Only this stream: case, item, window, …")) -> None:
    """Check every stream's keyed hash chain, and its last event against the head held in the read models."""
    from api.verification import open_store, verify_store
    from streams.envelope import STREAMS
    from streams.follower import last_position

    if stream is not None and stream not in STREAMS:
        fail(f"--stream must be one of {', '.join(STREAMS)}, not '{stream}'")
    settings = settings_for(mode, data)
    centre = guard(lambda: open_store(settings))
    with typer.progressbar(length=last_position(centre), label="verifying", file=sys.stderr) as bar:
        report = guard(lambda: verify_store(settings, centre, stream, bar.update))
    for broken in report.broken:
        verdict = broken.verdict
        typer.secho(f"BROKEN {broken.stream} {broken.aggregate_id} at version {verdict.first_broken_version}: "
                    f"{verdict.reason}", fg=typer.colors.RED)
    typer.echo(f"checked {report.streams} streams ({report.events} events): {len(report.broken)} broken")
    if not report.heads_checked:
        typer.secho(f"heads not checked: {report.heads_problem}; stop `sunlight api` (embedded) or use "
                    f"GET /audit/{{stream}}/{{id}}/verify", fg=typer.colors.YELLOW, err=True)
    if report.broken:
        raise typer.Exit(1)
    if not report.heads_checked:
        raise typer.Exit(2)


def guard(run):
    try:
        return run()
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
    except Exception as error:
        fail(f"{type(error).__name__}: {error}")


def main() -> None:
    # The driver logs a traceback for every refused connection; the CLI says it once, plainly.
    logging.getLogger("clickhouse_driver").setLevel(logging.CRITICAL)
    cli()
