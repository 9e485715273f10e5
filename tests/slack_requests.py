from slacksim.requests import *  # noqa: F403 - for branches that still import it; goes after the merge
