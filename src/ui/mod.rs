//! iced GUI (skeleton; being implemented).
