"""The searchable form of a person's name. Pure: the services, the importer
and the synthetic-data generator all store exactly this in Person.name_key."""


def name_key(first_name: str, last_name: str) -> str:
    """Lower-cased "first last" with single spaces."""
    return " ".join(f"{first_name} {last_name}".lower().split())
