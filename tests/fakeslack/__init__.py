from slacksim import *  # noqa: F403 - for branches that still import tests.fakeslack; goes after the merge
