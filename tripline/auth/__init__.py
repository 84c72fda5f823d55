"""Users, roles, authorities, API tokens and browser sessions."""
