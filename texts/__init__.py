"""What people read: the message catalog and the cards. Pure rendering of plain values."""
