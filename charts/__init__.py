"""Charts of the insights figures as PNG images (matplotlib, Agg backend, no pyplot): one function per chart,
each returning the image with its title, units, period and alt text. Implements incidents.insights.ports'
ChartRenderer."""
