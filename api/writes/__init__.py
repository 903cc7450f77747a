"""The writing side of the REST API: what turns a JSON request into the input the UI's forms and
services take (`input`), and the Idempotency-Key of the POST endpoints (`idempotency`). The
views are api/views/write.py; every rule lives in the services and policies the UI uses."""
