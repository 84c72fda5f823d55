"""Watch lists: official lists in their native formats, versioned snapshots, diffs."""
