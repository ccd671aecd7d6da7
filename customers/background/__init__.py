"""Long work off the request: the state every background job shares, its progress and faults.

A job is a row (``TrackedJob`` subclasses: ``ImportRun``, ``ReportJob``) that the request
creates and then enqueues through Django's task API with nothing but the row's id, so the job
runs the same on the database queue and on RQ. The row, not the queue's own record, is what the
pages read: status, phase, rows done of total, heartbeat, the worker that runs it, and why it
failed. docs/deploy.md describes the workers.
"""
