"""The document resources of the LRS: State, Activity Profile and Agent Profile."""
