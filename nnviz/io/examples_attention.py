"""The attention examples of the gallery (issue 16): a one-block Transformer classifying the bilingual sentences,
and a tiny causal character model that learns to write Chinese sentences. Both are built from the palette's
Transformer encoder block (nnviz.graph.composites), so the example and the palette entry cannot drift apart.
`python -m nnviz.io.examples` writes them with the others."""

from __future__ import annotations

from nnviz.graph.composites import add_composite, transformer_block
from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings

STEP = (270.0, 130.0)  # the canvas's layout steps (nnviz.io.examples.STEP_X, STEP_Y)
MAXLEN = 12  # the corpus's longest sentence has 10 words; a Chinese sentence up to 12 characters
D_MODEL, HEADS = 32, 4
CHARACTERS = 255  # the corpus's 253 Chinese characters with padding and unknown: every one its own id


def _stem(doc: GraphDocument, vocabulary: int) -> tuple[str, str]:
    """tokens -> embedding -> position on the first row; returns (input id, position id). The embedding's
    padding row (id 0) stays zero and learns nothing, as nn.Embedding(padding_idx=0): no gradient reaches it
    but rounding noise, which Adam would otherwise turn into full-size steps."""
    tokens = doc.add_node("input", name="tokens", params={"shape": [MAXLEN]}, pos=(0.0, 0.0)).id
    embedding = doc.add_node("embedding", name="embedding",
                             params={"num_embeddings": vocabulary, "embedding_dim": D_MODEL, "padding_idx": 0},
                             pos=(STEP[0], 0.0)).id
    position = doc.add_node("positional_embedding", name="position", params={"max_len": MAXLEN},
                            pos=(2 * STEP[0], 0.0)).id
    doc.connect(tokens, embedding)
    doc.connect(embedding, position)
    return tokens, position


def transformer_sentiment() -> GraphDocument:
    """Embedding -> positional embedding -> one post-norm encoder block -> mean over the words -> 2 classes."""
    doc = GraphDocument()
    tokens, position = _stem(doc, 100)
    # The block on the second and third rows, read like a line of text under the first.
    block = add_composite(doc, transformer_block("post", D_MODEL, HEADS, ff_units=2 * D_MODEL, token_ids=True),
                          origin=(0.0, 2.6 * STEP[1]), source=position, ids_source=tokens, step=STEP)
    mean = doc.add_node("mean_over_time", name="mean", params={"num_inputs": 2}, pos=(8 * STEP[0], 2.6 * STEP[1])).id
    logits = doc.add_node("dense", name="sentiment", params={"units": 2}, pos=(9 * STEP[0], 2.6 * STEP[1])).id
    doc.connect(block["norm_2"], mean)
    doc.connect(tokens, mean, 1)  # padding left out of the average
    doc.connect(mean, logits)
    # The LSTM example's data exactly (seed-text-lstm), so the two can be compared.
    doc.set_data({"kind": "text", "language": "all", "level": "words", "lower": True, "num_words": 100,
                  "maxlen": MAXLEN, "padding": "pre", "truncating": "pre", "val_split": 0.2, "seed": 0})
    doc.set_training(TrainingSettings(loss="cross_entropy", optimizer="adam", lr=0.01, batch_size=32, epochs=15,
                                      seed=0))
    doc.description = {
        "en": ("A one-block Transformer reads the same 300 English and Chinese sentences as the LSTM example "
               "(Chinese split into characters, 12 token ids each, padding in front) and says whether each is "
               "positive. The token ids are looked up in an Embedding, a learned positional embedding adds where "
               "each token stands, then one encoder block: self-attention with 4 heads, Add (the skip "
               "connection) and LayerNorm, a feed-forward Dense(64), ReLU, Dense(32), Add and LayerNorm. 'mean' "
               "averages the positions that hold a token and 'sentiment' gives the two classes' scores. The "
               "token ids also go to 'attention' and 'mean' as their second input, so padding (id 0) is never "
               "attended to or averaged. Step forward into 'attention' and open the Attention panel: one heatmap "
               "per head, the sentence's words or characters on both axes, each row (a query) summing to 1 over "
               "the columns (the keys) it looks at. Step into 'norm_1': its mean and var per position and x_hat. "
               "After 10 epochs its training accuracy passes 95 %, above the LSTM example's after the same 10 "
               "epochs (the LSTM needs about 15 to get there)."),
        "zh": ("一个只有一个编码器块的 Transformer，读取与 LSTM 示例相同的 300 个英文和中文句子（中文按字切分，每句 "
               "12 个词元编号，在前面补齐），判断句子是正面还是负面。词元编号先在 Embedding 中查出嵌入向量，可学习的"
               "位置嵌入再加上每个词元所在的位置，然后是一个编码器块：4 个头的自注意力、相加（跳跃连接）和层归一化"
               "（LayerNorm），前馈网络 Dense(64)、ReLU、Dense(32)，再相加和层归一化。'mean' 对有词元的位置求平均，"
               "'sentiment' 给出两个类别的分数。词元编号也作为第二个输入送到 'attention' 和 'mean'，所以填充（编号 "
               "0）既不会被关注，也不参与平均。逐步执行前向进入 'attention'，打开“注意力”面板：每个头一张热力图，"
               "两条轴上都是句子中的词或字，每一行（一个查询）在它所关注的各列（键）上的权重之和为 1。单步进入 "
               "'norm_1'：查看每个位置的 mean（均值）、var（方差）和 x_hat。10 个 epoch 后训练准确率超过 95 %，"
               "比 LSTM 示例训练同样 10 个 epoch 后还高（LSTM 大约要 15 个 epoch 才能达到）。"),
    }
    return doc


def causal_characters() -> GraphDocument:
    """A tiny causal character model: predicts each next Chinese character of the corpus's sentences."""
    doc = GraphDocument()
    tokens, position = _stem(doc, CHARACTERS)
    block = add_composite(doc, transformer_block("pre", D_MODEL, HEADS, ff_units=2 * D_MODEL, causal=True,
                                                 token_ids=True),
                          origin=(0.0, 2.6 * STEP[1]), source=position, ids_source=tokens, step=STEP)
    logits = doc.add_node("dense", name="next_char", params={"units": CHARACTERS}, pos=(8 * STEP[0], 2.6 * STEP[1])).id
    doc.connect(block["add_2"], logits)  # a Dense at every position: the scores of the character that follows
    doc.set_data({"kind": "text", "language": "zh", "level": "characters", "lower": True, "num_words": 0,
                  "maxlen": MAXLEN, "padding": "post", "truncating": "post", "val_split": 0.0, "seed": 0,
                  "predict": "next_token"})
    # float64: in float32 its 20-step comparison with PyTorch drifts past 1e-5 (255 rarely seen characters
    # under Adam amplify rounding); the learner's numbers are the same either way to the digits shown.
    doc.set_training(TrainingSettings(loss="sequence_cross_entropy", optimizer="adam", lr=0.01, batch_size=16,
                                      epochs=20, seed=0, dtype="float64"))
    doc.description = {
        "en": ("A tiny causal character model, the idea behind GPT, on the corpus's 150 Chinese sentences: at "
               "every position it predicts the next character (data: Predict next_token, padding behind). One "
               "pre-norm Transformer block whose attention is causal, so each character attends only to itself "
               "and the characters before it, never to the one it must predict; the token ids also mask the "
               "padding. 'next_char' is a Dense applied at every position, and the loss is the cross-entropy "
               "at every position, padding ignored. Step into 'attention': in the Attention panel every head's "
               "heatmap is zero above the diagonal. The loss falls from about ln 255 = 5.5 to about 2 within 40 "
               "steps. Train for a few epochs, then Train > Generate text... with the prompt 今天: temperature 0 "
               "always takes the likeliest character, a higher temperature draws more varied ones."),
        "zh": ("一个很小的因果字符模型（GPT 的思路），在语料中的 150 个中文句子上训练：在每个位置预测下一个字"
               "（数据：预测 next_token，在后面补齐）。一个前归一化的 Transformer 块，其中的注意力是因果的：每个字"
               "只关注它自己和它前面的字，永远看不到它要预测的那个字；词元编号还会屏蔽填充。'next_char' 是在每个"
               "位置上应用的 Dense，损失是每个位置上的交叉熵，忽略填充。单步进入 'attention'：在“注意力”面板中，"
               "每个头的热力图在对角线以上都是 0。40 步之内，损失从大约 ln 255 = 5.5 降到 2 左右。训练几个 epoch "
               "后，选择“训练 > 生成文字...”，用提示“今天”：温度为 0 时总是选概率最大的字，温度越高，选出的字越多样。"),
    }
    return doc
