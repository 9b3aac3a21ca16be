"""`python -m bench`: seed, load the API and its floor in turns, measure import and generation."""

from bench.run import main

main()
