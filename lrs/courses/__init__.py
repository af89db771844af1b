"""Published courses: their tables, the blob store of their zips, publishing and
unpublishing, and the read API the catalogue and the reports use (`registry`)."""
