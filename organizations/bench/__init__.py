"""Benchmarks: commands that print figures, never part of `make test`.

- `lists`: enterprise lists generated as boards send them;
- `processes`: each measurement in a child process on a scratch database (a temporary SQLite
  file, or a PostgreSQL database created and dropped), with its time and peak memory;
- `imports`: the steps of the enterprise import's benchmark (`manage.py bench_import`).
"""
