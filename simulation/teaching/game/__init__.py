"""The workshop game (``transnum app --game``): teams, rounds, actions, debrief, export.

:mod:`~.actions` is the menu (costs and effects), :mod:`~.plan` a team's go-live plan,
:mod:`~.session` the game in progress, :mod:`~.scoreboard` the ranking,
:mod:`~.debrief` what was skill and what was luck, :mod:`~.export` the session's folder.
Nothing here draws or serves a page: the game's page is :mod:`simulation.teaching.game_page`.
"""
