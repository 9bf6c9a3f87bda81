"""`python -m yibao.api.cli …` runs the `yibao` command."""

from . import main

main()
