"""System tests: rules that hold across every app (every URL and API operation
declares its access rule and survives NUL bytes; backup and restore of a whole
database; jobs and quotas of every kind). They sit above every layer of
docs/architecture.md, so they may import any app; no app imports them."""
