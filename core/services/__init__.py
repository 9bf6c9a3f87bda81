"""Use cases. Each public function is one transaction and raises `InputError` to refuse."""
