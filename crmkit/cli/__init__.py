"""Command-line interface: ``crmkit <command>``.

Thin wrappers over the Python API, one module per command.  User errors
(:class:`crmkit.errors.CRMKitError`) print one clear message and exit with
status 2 (bad usage, configuration or data) or 1 (some reports failed);
``--debug`` shows the full traceback instead.
"""

from __future__ import annotations

import sys
import traceback

import click

from crmkit import __version__
from crmkit.errors import CRMKitError

__all__ = ["main", "cli"]


class CRMKitGroup(click.Group):
    """Click group that turns crmkit errors into messages and exit codes."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CRMKitError as e:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            else:
                click.secho("Error: ", fg="red", bold=True, err=True, nl=False)
                click.echo(str(e), err=True)
            sys.exit(e.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)


@click.group(cls=CRMKitGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="crmkit")
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Evaluate customer relationship management from raw CRM exports."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _register() -> None:
    from crmkit.cli import batch, demo, index, ingest, run, template, validate

    for mod in (demo, ingest, validate, run, batch, index, template):
        cli.add_command(mod.command)


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``crmkit`` console script."""
    cli.main(args=argv, prog_name="crmkit", standalone_mode=True)
