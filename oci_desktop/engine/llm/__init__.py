"""The model side: backend protocol, the local llama.cpp server, an OpenAI-compatible client,
GGUF inspection, the model catalog, downloads and the user's model library."""
