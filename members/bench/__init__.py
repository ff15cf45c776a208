"""The member imports' benchmark (`manage.py bench_members_import`): a generated register and
the timed steps, each run in a child process by `organizations.bench.processes`."""
