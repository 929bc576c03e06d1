"""A member's own data across every area: the download of everything held about them, and
erasure of their details when they ask. Above the areas, which never import it."""
