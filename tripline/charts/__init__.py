"""Figures drawn on the server as SVG text: gamma spectra, score histograms, occupancy time
profiles and relationship graphs. No web framework: the console inlines the SVG in its pages and
the case PDF draws the same SVG as vector graphics (``tripline.cases.figures``)."""
