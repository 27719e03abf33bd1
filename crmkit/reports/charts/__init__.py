"""Charts of the reports, one module per dimension.

Drawing is kept apart from computation (as seaborn does): a chart function
takes the frames an indicator returned and a :class:`~crmkit.formatting.Formatter`
(or the notebook's ``Report``) for its labels, draws on a new figure (or the
``ax`` given) and returns the figure; :func:`crmkit.reports.plotting.show`
displays it with all text mathtext-inert.
"""
