"""The workbench widgets; none of them touches the store (attributes down, messages up)."""
