"""`derive audit`: the command line of the audit (filled in by the audit work)."""
import click


@click.command("audit")
@click.argument("path")
def audit_cmd(path):
    """Check a derivation someone wrote (Markdown or LaTeX), step by step."""
    raise click.UsageError("derive audit is not finished yet")
