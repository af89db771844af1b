"""The public face of the LRS: the home page and the catalogue of published courses."""
