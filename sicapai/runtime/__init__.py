"""What runs turns: the conversation service, its worker processes, downloads, the chart
renderer's pool, and the delivery of notices. `handlers/` holds the conversations themselves;
this package runs them (`runtime` → `handlers` → `models`, `reports`)."""
