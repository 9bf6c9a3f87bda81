"""File imports: streaming CSV/XLSX reading, header aliases, and the batched job runner."""
