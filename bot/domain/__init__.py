"""The pure domain: net followers, growth, periods. No Discord and no SQL in here."""
