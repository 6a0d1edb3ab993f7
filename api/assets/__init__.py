"""Assets: the library of generated images and their review (pin, favorite, approve, trash), revisions made by
the instant editor and AI edits, and downloads."""
