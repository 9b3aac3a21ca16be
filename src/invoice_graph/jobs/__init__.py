"""Background jobs (SPEC section 12): e-mails, webhook deliveries and exports, kept in PostgreSQL.

A change queues its job with `db.queries.jobs.enqueue_job` in its own transaction (a transactional
outbox); `runner.JobRunner` claims due jobs in any number of processes (`serve` or `worker`) and
runs each with the handler `handlers.HANDLERS` registers for its kind.
"""
