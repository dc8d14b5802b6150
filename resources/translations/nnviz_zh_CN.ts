<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AttentionView</name>
    <message>
        <source>attention weights A</source>
        <translation>注意力权重 A</translation>
    </message>
    <message>
        <source>scores S = Q·Kᵀ/√d</source>
        <translation>分数 S = Q·Kᵀ/√d</translation>
    </message>
    <message>
        <source>∂L/∂A</source>
        <translation>∂L/∂A</translation>
    </message>
    <message>
        <source>∂L/∂S</source>
        <translation>∂L/∂S</translation>
    </message>
    <message>
        <source>x̂ = (x − μ)/√(σ² + ε)</source>
        <translation>x̂ = (x − μ)/√(σ² + ε)</translation>
    </message>
    <message>
        <source>The attention or LayerNorm layer to look at</source>
        <translation>要查看的注意力层或层归一化（LayerNorm）层</translation>
    </message>
    <message>
        <source>sample </source>
        <translation>样本 </translation>
    </message>
    <message>
        <source>Which sentence of the batch</source>
        <translation>批次中的哪个句子（样本）</translation>
    </message>
    <message>
        <source>head </source>
        <translation>头 </translation>
    </message>
    <message>
        <source>Which head to show: the panel is too narrow for every head side by side</source>
        <translation>显示哪个头：面板太窄，放不下所有头并排显示</translation>
    </message>
    <message>
        <source>This network has no self-attention or LayerNorm layer (or it has not run yet): add a Transformer encoder block from the palette&apos;s Blocks.</source>
        <translation>这个网络没有自注意力层或层归一化（LayerNorm）层（或者它们还没有运行）：从层面板的“模块”中添加一个 Transformer 编码器块。</translation>
    </message>
    <message>
        <source>Press Step (F10) until the attention layer has run forward (backward for the gradients).</source>
        <translation>按“单步”（F10），直到注意力层完成前向（要看梯度，则直到完成反向）。</translation>
    </message>
    <message>
        <source>head %d</source>
        <translation>头 %d</translation>
    </message>
    <message>
        <source>Row: the query, the token that looks. Column: the key, the token it looks at. </source>
        <translation>行：查询，即去“看”的词元。列：键，即被它“看”的词元。</translation>
    </message>
    <message>
        <source>Each row sums to 1 (white 0, dark blue 1). </source>
        <translation>每一行之和为 1（白色为 0，深蓝为 1）。</translation>
    </message>
    <message>
        <source>Outlined: the row the Formula panel works through.</source>
        <translation>加框：“公式”面板中逐步计算的那一行。</translation>
    </message>
    <message>
        <source>Each position (row) is normalised on its own, over its %d features, then scaled by weight (γ) and shifted by bias (β). BatchNorm instead normalises each feature over the batch.</source>
        <translation>每个位置（每一行）在它自己的 %d 个特征上单独归一化，然后乘以 weight（γ，权重）再加上 bias（β，偏置）。批量归一化（BatchNorm）则是对每个特征在整个批次上归一化。</translation>
    </message>
    <message>
        <source>Blank: masked (padding &apos;·&apos;, or a later token: the attention is causal). </source>
        <translation>空白：被屏蔽（填充“·”，或后面的词元：这是因果注意力）。</translation>
    </message>
    <message>
        <source>Blank: masked (padding &apos;·&apos;). </source>
        <translation>空白：被屏蔽（填充“·”）。</translation>
    </message>
    <message>
        <source>&apos;?&apos;: a word outside the vocabulary. </source>
        <translation>“?”：词表之外的词。</translation>
    </message>
    <message>
        <source>Press Step (F10) until the LayerNorm has run forward.</source>
        <translation>按“单步”（F10），直到层归一化（LayerNorm）完成前向。</translation>
    </message>
</context>
<context>
    <name>CanvasMenu</name>
    <message>
        <source>Remove connection</source>
        <translation>删除连接</translation>
    </message>
    <message>
        <source>Add layer here</source>
        <translation>在此处添加层</translation>
    </message>
</context>
<context>
    <name>Composites</name>
    <message>
        <source>Transformer encoder block (post-norm)</source>
        <translation>Transformer 编码器块（后归一化）</translation>
    </message>
    <message>
        <source>Transformer encoder block (pre-norm)</source>
        <translation>Transformer 编码器块（前归一化）</translation>
    </message>
    <message>
        <source>Self-attention, Add, LayerNorm, then feed-forward (Dense, ReLU, Dense), Add, LayerNorm, as in the original Transformer (PyTorch&apos;s TransformerEncoderLayer). Drop it on a connection carrying (T, E) embeddings to wire it in; every layer stays editable.</source>
        <translation>自注意力、相加、层归一化（LayerNorm），然后是前馈网络（Dense、ReLU、Dense）、相加、层归一化，与最初的 Transformer 相同（PyTorch 的 TransformerEncoderLayer）。把它拖到一条传送 (T, E) 嵌入的连线上即可接入；其中每一层都可以编辑。</translation>
    </message>
    <message>
        <source>LayerNorm before the attention and before the feed-forward, each with its skip connection (norm_first=True): deeper stacks train more steadily. Drop it on a connection carrying (T, E) embeddings to wire it in; every layer stays editable.</source>
        <translation>在注意力之前和前馈网络之前各做一次层归一化（LayerNorm），各自带跳跃连接（norm_first=True）：堆叠很多块时训练更稳定。把它拖到一条传送 (T, E) 嵌入的连线上即可接入；其中每一层都可以编辑。</translation>
    </message>
    <message>
        <source>Blocks</source>
        <translation>模块</translation>
    </message>
</context>
<context>
    <name>ControlsBar</name>
    <message>
        <source>max</source>
        <translation>最快</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>Rewind</source>
        <translation>回退</translation>
    </message>
    <message>
        <source>Cannot train yet: see Problems</source>
        <translation>还不能训练：见“问题”面板</translation>
    </message>
</context>
<context>
    <name>CurvesPanel</name>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>training step</source>
        <translation>训练步</translation>
    </message>
    <message>
        <source>log scale</source>
        <translation>对数坐标</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练集</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>Training: the loss of each batch. Validation: the whole validation set, after each epoch.</source>
        <translation>训练：每一批的损失。验证：每轮结束后在整个验证集上计算。</translation>
    </message>
</context>
<context>
    <name>DataChoices</name>
    <message>
        <source>XOR: opposite corners alike</source>
        <translation>异或 XOR：对角同类</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>噪声</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>Share of samples held out to validate</source>
        <translation>留作验证的样本比例</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Same seed, same data and the same shuffle</source>
        <translation>相同的种子给出相同的数据和相同的打乱顺序</translation>
    </message>
    <message>
        <source>Circles: a disc inside a ring</source>
        <translation>圆环：环中有一个圆盘</translation>
    </message>
    <message>
        <source>Two Gaussian clouds</source>
        <translation>两团高斯分布点云</translation>
    </message>
    <message>
        <source>Two interleaved spirals</source>
        <translation>两条交错的螺旋</translation>
    </message>
    <message>
        <source>Two moons</source>
        <translation>双月形</translation>
    </message>
    <message>
        <source>Checkerboard</source>
        <translation>棋盘格</translation>
    </message>
    <message>
        <source>Cells per side</source>
        <translation>每边格数</translation>
    </message>
    <message>
        <source>Sine curve (regression)</source>
        <translation>正弦曲线（回归）</translation>
    </message>
    <message>
        <source>Plane (linear regression)</source>
        <translation>平面（线性回归）</translation>
    </message>
    <message>
        <source>Handwritten digits 8x8 (1,797 images)</source>
        <translation>手写数字 8x8（1,797 张图像）</translation>
    </message>
    <message>
        <source>As flat vectors (64,)</source>
        <translation>展平为向量 (64,)</translation>
    </message>
    <message>
        <source>Colour shapes 3x32x32 (10 classes)</source>
        <translation>彩色形状 3x32x32（10 类）</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像数</translation>
    </message>
    <message>
        <source>Sentences (English/Chinese sentiment)</source>
        <translation>句子（英文/中文情感）</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>en</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>zh</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Words (Chinese: one character each) or single characters</source>
        <translation>按词（中文每个汉字一个词元）或按单个字符</translation>
    </message>
    <message>
        <source>words</source>
        <translation>词</translation>
    </message>
    <message>
        <source>characters</source>
        <translation>字符</translation>
    </message>
    <message>
        <source>Lowercase</source>
        <translation>转为小写</translation>
    </message>
    <message>
        <source>Vocabulary (ids)</source>
        <translation>词表大小（编号数）</translation>
    </message>
    <message>
        <source>Ids 0 (padding) and 1 (unknown word) included; 0 = every token</source>
        <translation>包括编号 0（填充）和 1（未知词）；0 = 保留所有词元</translation>
    </message>
    <message>
        <source>Length (ids)</source>
        <translation>长度（编号数）</translation>
    </message>
    <message>
        <source>Each sentence padded or cut to this; 0 = longest</source>
        <translation>每个句子填充或截断到这个长度；0 = 最长句子的长度</translation>
    </message>
    <message>
        <source>Padding</source>
        <translation>填充</translation>
    </message>
    <message>
        <source>Zeros in front (Keras) or behind</source>
        <translation>零填在前面（Keras 默认）或后面</translation>
    </message>
    <message>
        <source>pre</source>
        <translation>前</translation>
    </message>
    <message>
        <source>post</source>
        <translation>后</translation>
    </message>
    <message>
        <source>Cut long sentences</source>
        <translation>截断长句</translation>
    </message>
    <message>
        <source>Predict</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Each sentence&apos;s label, or the next token at each position (to write text)</source>
        <translation>每个句子的标签，或每个位置上的下一个词元（用于写文字）</translation>
    </message>
    <message>
        <source>label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>next_token</source>
        <translation>下一个词元</translation>
    </message>
    <message>
        <source>Sentences from my CSV file...</source>
        <translation>我的 CSV 文件中的句子...</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>a CSV of text,label rows, one sentence per row</source>
        <translation>每行一个句子的 text,label CSV 文件</translation>
    </message>
    <message>
        <source>MNIST handwritten digits 28x28 (70,000)</source>
        <translation>MNIST 手写数字 28x28（70,000 张）</translation>
    </message>
    <message>
        <source>Fashion-MNIST clothes 28x28 (70,000)</source>
        <translation>Fashion-MNIST 服饰 28x28（70,000 张）</translation>
    </message>
    <message>
        <source>CIFAR-10 colour photos 32x32 (60,000)</source>
        <translation>CIFAR-10 彩色照片 32x32（60,000 张）</translation>
    </message>
    <message>
        <source>My CSV file...</source>
        <translation>我的 CSV 文件...</translation>
    </message>
    <message>
        <source>CSV with a header row or not; the delimiter is detected</source>
        <translation>CSV 文件，可有可无表头行；分隔符自动识别</translation>
    </message>
    <message>
        <source>Target column</source>
        <translation>目标列</translation>
    </message>
    <message>
        <source>Feature columns</source>
        <translation>特征列</translation>
    </message>
    <message>
        <source>Untick columns the network should not see</source>
        <translation>取消勾选网络不应看到的列</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>classification</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>regression</source>
        <translation>回归</translation>
    </message>
    <message>
        <source>Standardise features</source>
        <translation>标准化特征</translation>
    </message>
    <message>
        <source>My NumPy .npz file...</source>
        <translation>我的 NumPy .npz 文件...</translation>
    </message>
    <message>
        <source>Arrays x and y (or x_train/y_train, x_test/y_test)</source>
        <translation>数组 x 和 y（或 x_train/y_train、x_test/y_test）</translation>
    </message>
    <message>
        <source>My image folder (one sub-folder per class)...</source>
        <translation>我的图像文件夹（每个类别一个子文件夹）...</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Resize to (pixels)</source>
        <translation>缩放到（像素）</translation>
    </message>
    <message>
        <source>Grey (1 channel)</source>
        <translation>灰度（1 个通道）</translation>
    </message>
    <message>
        <source>My MNIST IDX files...</source>
        <translation>我的 MNIST IDX 文件...</translation>
    </message>
    <message>
        <source>Holds train-images-idx3-ubyte(.gz) and train-labels...</source>
        <translation>包含 train-images-idx3-ubyte(.gz) 和 train-labels...</translation>
    </message>
    <message>
        <source>As flat vectors (784,)</source>
        <translation>展平为向量 (784,)</translation>
    </message>
    <message>
        <source>Use at most</source>
        <translation>最多使用</translation>
    </message>
    <message>
        <source>0 = all; fewer samples load and train faster</source>
        <translation>0 = 全部；样本越少，加载和训练越快</translation>
    </message>
    <message>
        <source>My Fashion-MNIST IDX files...</source>
        <translation>我的 Fashion-MNIST IDX 文件...</translation>
    </message>
    <message>
        <source>My CIFAR-10 binary batches...</source>
        <translation>我的 CIFAR-10 二进制批次文件...</translation>
    </message>
    <message>
        <source>cifar-10-batches-bin: data_batch_*.bin and test_batch.bin</source>
        <translation>cifar-10-batches-bin：data_batch_*.bin 和 test_batch.bin</translation>
    </message>
</context>
<context>
    <name>DataLoader</name>
    <message>
        <source>Loading the data set %1 …</source>
        <translation>正在加载数据集 %1 …</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop waiting for the data set</source>
        <translation>不再等待这个数据集</translation>
    </message>
</context>
<context>
    <name>DataPanel</name>
    <message>
        <source>Data written in the file (inline)</source>
        <translation>写在文件中的数据（内联）</translation>
    </message>
    <message>
        <source>Input follows the data</source>
        <translation>输入跟随数据</translation>
    </message>
    <message>
        <source>Set the Input node&apos;s shape to one sample&apos;s shape whenever the data changes</source>
        <translation>数据改变时，把输入节点的形状设为一个样本的形状</translation>
    </message>
    <message>
        <source>Loading the data set …</source>
        <translation>正在加载数据集 …</translation>
    </message>
    <message>
        <source>(last column)</source>
        <translation>（最后一列）</translation>
    </message>
    <message>
        <source>Choose the file with Browse...: {what}</source>
        <translation>请用“浏览...”选择文件：{what}</translation>
    </message>
    <message>
        <source>The network has a problem to fix first: {problem}</source>
        <translation>网络有一个需要先修正的问题：{problem}</translation>
    </message>
    <message>
        <source>The network&apos;s input and output fit this data.</source>
        <translation>网络的输入和输出与这些数据相符。</translation>
    </message>
</context>
<context>
    <name>DataPreview</name>
    <message>
        <source>%1 training + %2 validation samples</source>
        <translation>训练集 %1 个样本 + 验证集 %2 个样本</translation>
    </message>
    <message>
        <source>each %s</source>
        <translation>每个样本 %s</translation>
    </message>
    <message>
        <source>%s classes</source>
        <translation>%s 个类别</translation>
    </message>
    <message>
        <source>regression, 1 target value</source>
        <translation>回归，1 个目标值</translation>
    </message>
    <message>
        <source>regression, %s target values</source>
        <translation>回归，%s 个目标值</translation>
    </message>
    <message>
        <source>No data loaded</source>
        <translation>尚未加载数据</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>散点</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>表格</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>target y</source>
        <translation>目标值 y</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练集</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>colour = y (%s .. %s)</source>
        <translation>颜色 = y（%s .. %s）</translation>
    </message>
    <message>
        <source>class %s</source>
        <translation>类别 %s</translation>
    </message>
    <message>
        <source>validation (hollow)</source>
        <translation>验证集（空心）</translation>
    </message>
    <message>
        <source>token %s</source>
        <translation>词元 %s</translation>
    </message>
    <message>
        <source>class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>samples</source>
        <translation>样本数</translation>
    </message>
</context>
<context>
    <name>DecisionBoundaryView</name>
    <message>
        <source>The decision boundary is drawn for classification data with 2 input features (such as XOR or spirals).</source>
        <translation>决策边界只针对有 2 个输入特征的分类数据绘制（例如异或或螺旋线）。</translation>
    </message>
    <message>
        <source>filled: training points, hollow: validation points</source>
        <translation>实心：训练样本点，空心：验证样本点</translation>
    </message>
    <message>
        <source>last batch accuracy %s</source>
        <translation>最近一批的准确率 %s</translation>
    </message>
    <message>
        <source>validation accuracy %s</source>
        <translation>验证准确率 %s</translation>
    </message>
</context>
<context>
    <name>DocCommand</name>
    <message>
        <source>Add %s</source>
        <translation>添加 %s</translation>
    </message>
    <message>
        <source>Delete %s</source>
        <translation>删除 %s</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <source>Set %s</source>
        <translation>设置 %s</translation>
    </message>
    <message>
        <source>Rename to %s</source>
        <translation>重命名为 %s</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message>
        <source>Edit %s</source>
        <translation>编辑 %s</translation>
    </message>
    <message>
        <source>Change data set</source>
        <translation>更改数据集</translation>
    </message>
    <message>
        <source>Change training settings</source>
        <translation>更改训练设置</translation>
    </message>
</context>
<context>
    <name>EditActions</name>
    <message>
        <source>Select one or more layers to copy</source>
        <translation>请选择要复制的一个或多个层</translation>
    </message>
    <message>
        <source>Copied %d layer(s)</source>
        <translation>已复制 %d 个层</translation>
    </message>
    <message>
        <source>Pasted %d layer(s)</source>
        <translation>已粘贴 %d 个层</translation>
    </message>
    <message>
        <source>Deleted %d layer(s) and %d connection(s)</source>
        <translation>已删除 %d 个层和 %d 条连接</translation>
    </message>
</context>
<context>
    <name>ExerciseMode</name>
    <message>
        <source>Exercise mode</source>
        <translation>练习模式</translation>
    </message>
    <message>
        <source>Step (F10) asks you to compute a value of each micro-step before it is shown</source>
        <translation>单步（F10）先让你算出每个微步的一个值，再显示它</translation>
    </message>
    <message>
        <source>The network changed: the open question was dropped.</source>
        <translation>网络变了：未完成的问题已取消。</translation>
    </message>
    <message>
        <source>Answer the question first (or show its answer)</source>
        <translation>先回答问题（或查看答案）</translation>
    </message>
</context>
<context>
    <name>ExportActions</name>
    <message>
        <source>exported to %s</source>
        <translation>已导出到 %s</translation>
    </message>
</context>
<context>
    <name>ExportPanel</name>
    <message>
        <source>model.py (traced)</source>
        <translation>model.py（追踪来源）</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the file shown to the clipboard</source>
        <translation>把当前显示的文件复制到剪贴板</translation>
    </message>
    <message>
        <source>Export...</source>
        <translation>导出...</translation>
    </message>
    <message>
        <source>Write model.onnx and its README to a folder</source>
        <translation>把 model.onnx 和它的 README 写入一个文件夹</translation>
    </message>
    <message>
        <source>Write model.py, the weights, train.py and the data to a folder</source>
        <translation>把 model.py、权重、train.py 和数据写入一个文件夹</translation>
    </message>
    <message>
        <source>Verify...</source>
        <translation>验证...</translation>
    </message>
    <message>
        <source>Train the app and PyTorch side by side for 20 steps and show the largest differences (needs PyTorch)</source>
        <translation>让本应用和 PyTorch 并排训练 20 步，并显示最大的差异（需要 PyTorch）</translation>
    </message>
    <message>
        <source>Train the app and Keras side by side for 20 steps and show the largest differences (needs Keras and PyTorch)</source>
        <translation>让本应用和 Keras 并排训练 20 步，并显示最大的差异（需要 Keras 和 PyTorch）</translation>
    </message>
    <message>
        <source>Run the app and onnxruntime on the same samples and show the largest differences (needs onnxruntime)</source>
        <translation>让本应用和 onnxruntime 计算相同的样本，并显示最大的差异（需要 onnxruntime）</translation>
    </message>
    <message>
        <source>Follows every edit; exports the current weights.</source>
        <translation>随每次编辑自动更新；导出当前的权重。</translation>
    </message>
    <message>
        <source>Wrote %1 files to %2.</source>
        <translation>已把 %1 个文件写入 %2。</translation>
    </message>
    <message>
        <source>nnviz and PyTorch, side by side</source>
        <translation>nnviz 与 PyTorch 并排对比</translation>
    </message>
    <message>
        <source>nnviz and Keras, side by side</source>
        <translation>nnviz 与 Keras 并排对比</translation>
    </message>
    <message>
        <source>nnviz and onnxruntime, side by side</source>
        <translation>nnviz 与 onnxruntime 并排对比</translation>
    </message>
    <message>
        <source>Export to PyTorch: choose a folder</source>
        <translation>导出为 PyTorch：选择文件夹</translation>
    </message>
    <message>
        <source>Export to Keras: choose a folder</source>
        <translation>导出为 Keras：选择文件夹</translation>
    </message>
    <message>
        <source>Export to ONNX: choose a folder</source>
        <translation>导出为 ONNX：选择文件夹</translation>
    </message>
    <message>
        <source>The folder is not empty</source>
        <translation>文件夹不是空的</translation>
    </message>
    <message>
        <source>%1 already holds %2 files or folders (%3).</source>
        <translation>%1 里已有 %2 个文件或文件夹（%3）。</translation>
    </message>
    <message>
        <source>Write the export into a new folder %1 inside it, or into the folder itself (files with the same names are replaced)?</source>
        <translation>把导出写进其中新建的文件夹 %1，还是直接写进这个文件夹（同名文件会被替换）？</translation>
    </message>
    <message>
        <source>New folder</source>
        <translation>新建文件夹</translation>
    </message>
    <message>
        <source>Write into it</source>
        <translation>写进这个文件夹</translation>
    </message>
</context>
<context>
    <name>FetchBox</name>
    <message>
        <source>Fetch</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>%1 from %2</source>
        <translation>%1，来自 %2</translation>
    </message>
    <message>
        <source>%1 is not on this computer yet. Fetch downloads it (about %2 MB) into %3 and checks every file.</source>
        <translation>这台电脑上还没有 %1。点“下载”会把它（约 %2 MB）下载到 %3，并校验每个文件。</translation>
    </message>
    <message>
        <source>This example trains on a stand-in. %1 is on this computer (%2): use it, and the guide&apos;s settings apply (%3).</source>
        <translation>这个示例用的是替代数据。这台电脑上有 %1（%2）：使用它，并采用教程的设置（%3）。</translation>
    </message>
    <message>
        <source>Use %1</source>
        <translation>使用 %1</translation>
    </message>
    <message>
        <source>This example trains on a stand-in for %1. Fetch %1 (about %2 MB) to train on the real set with the guide&apos;s settings (%3).</source>
        <translation>这个示例用替代数据代替 %1。下载 %1（约 %2 MB）后即可按教程的设置（%3）在真实数据上训练。</translation>
    </message>
    <message>
        <source>fetched by nnviz</source>
        <translation>由 nnviz 下载</translation>
    </message>
    <message>
        <source>Keras&apos; cache</source>
        <translation>Keras 的缓存</translation>
    </message>
    <message>
        <source>torchvision&apos;s folder</source>
        <translation>torchvision 的文件夹</translation>
    </message>
    <message>
        <source>the folder you chose</source>
        <translation>你选择的文件夹</translation>
    </message>
    <message>
        <source>batch size %1</source>
        <translation>批大小 %1</translation>
    </message>
    <message>
        <source>learning rate %1</source>
        <translation>学习率 %1</translation>
    </message>
    <message>
        <source>%1 epochs</source>
        <translation>%1 轮</translation>
    </message>
    <message>
        <source>momentum %1</source>
        <translation>动量 %1</translation>
    </message>
    <message>
        <source>input %1</source>
        <translation>输入 %1</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>Fetching %1...</source>
        <translation>正在下载 %1...</translation>
    </message>
    <message>
        <source>Cancelled. Fetch again to continue where it stopped.</source>
        <translation>已取消。再次下载会从中断处继续。</translation>
    </message>
</context>
<context>
    <name>FileActions</name>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>E&amp;xamples</source>
        <translation>示例(&amp;X)</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>&apos;%s&apos; has changes that are not saved. Save them first?</source>
        <translation>“%s”有尚未保存的更改。要先保存吗？</translation>
    </message>
    <message>
        <source>&apos;%s&apos; has trained weights that are not saved. Save them first?</source>
        <translation>“%s”训练后的权重尚未保存。要先保存吗？</translation>
    </message>
    <message>
        <source>New network: drag layers from the palette onto the canvas</source>
        <translation>新网络：把层从层面板拖到画布上</translation>
    </message>
    <message>
        <source>Open network</source>
        <translation>打开网络</translation>
    </message>
    <message>
        <source>Cannot open</source>
        <translation>无法打开</translation>
    </message>
    <message>
        <source>Opened %s</source>
        <translation>已打开 %s</translation>
    </message>
    <message>
        <source>Save network as</source>
        <translation>网络另存为</translation>
    </message>
    <message>
        <source>Cannot save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <source>Saving %s failed: %s</source>
        <translation>保存 %s 失败：%s</translation>
    </message>
    <message>
        <source>Saved %s</source>
        <translation>已保存 %s</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Throw away all changes since &apos;%s&apos; was saved?</source>
        <translation>放弃自上次保存“%s”以来的所有更改吗？</translation>
    </message>
    <message>
        <source>(no recent files)</source>
        <translation>（没有最近打开的文件）</translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation>清空列表</translation>
    </message>
    <message>
        <source>(no examples installed)</source>
        <translation>（没有安装示例）</translation>
    </message>
    <message>
        <source>nnviz networks (*.nnviz)</source>
        <translation>nnviz 网络 (*.nnviz)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>GraphController</name>
    <message>
        <source>Add %s</source>
        <translation>添加 %s</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message>
        <source>%s takes no input, so it cannot be inserted into a connection</source>
        <translation>%s 没有输入，所以不能插入到连接中</translation>
    </message>
    <message>
        <source>Insert %s</source>
        <translation>插入 %s</translation>
    </message>
    <message>
        <source>The clipboard holds no nnviz layers</source>
        <translation>剪贴板中没有 nnviz 层</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
</context>
<context>
    <name>GraphScene</name>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>GraphView</name>
    <message>
        <source>An empty network.

Drag an Input layer from the Layers palette onto this canvas, then the layers that follow it; drag from an output port to an input port to connect them.

Or open a ready-made one: Help ▸ Examples Gallery.</source>
        <translation>网络是空的。

从“层”面板把一个输入层拖到画布上，再拖入后面的层；从输出端口拖到输入端口即可把它们连接起来。

或者打开一个现成的网络：帮助 ▸ 示例库。</translation>
    </message>
</context>
<context>
    <name>HandWeightEdit</name>
    <message>
        <source>Set %1 %2[%3] = %4</source>
        <translation>设置 %1 的 %2[%3] = %4</translation>
    </message>
</context>
<context>
    <name>HealthPanel</name>
    <message>
        <source>mean |gradient| / mean |weight|</source>
        <translation>平均 |梯度| / 平均 |权重|</translation>
    </message>
    <message>
        <source>training step</source>
        <translation>训练步</translation>
    </message>
    <message>
        <source>histogram</source>
        <translation>直方图</translation>
    </message>
    <message>
        <source>weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>activations</source>
        <translation>激活值</translation>
    </message>
    <message>
        <source>gradients</source>
        <translation>梯度</translation>
    </message>
    <message>
        <source>The layer whose histograms are shown</source>
        <translation>显示其直方图的层</translation>
    </message>
    <message>
        <source>Gradient check</source>
        <translation>梯度检验</translation>
    </message>
    <message>
        <source>Compare every gradient with central finite differences, in float64</source>
        <translation>用 float64 中心有限差分逐一核对每个梯度</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>entries checked</source>
        <translation>已检验条目</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>worst / allowed</source>
        <translation>最大差 / 允许差</translation>
    </message>
    <message>
        <source>result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Compare every gradient with central finite differences</source>
        <translation>用中心有限差分逐一核对每个梯度</translation>
    </message>
    <message>
        <source>Gradients exploding in %1 (mean |gradient| / mean |weight| up to %2): one update would change the weights by more than their own size. Lower the learning rate.</source>
        <translation>%1 的梯度爆炸（平均 |梯度| / 平均 |权重| 最高达 %2）：一次更新对权重的改变会超过权重本身的大小。请降低学习率。</translation>
    </message>
    <message>
        <source>Gradients vanishing in %1 (ratio down to %2, %3 times smaller than in the layer that learns most). The error signal fades on its way back toward the input, so such a layer hardly learns: ReLU, a better initialisation or fewer layers help.</source>
        <translation>%1 的梯度消失（比值低至 %2，是学得最多的那一层的 %3 分之一）。误差信号在向输入层反向传播的途中逐渐衰减，这样的层几乎学不到东西：改用 ReLU、更好的初始化或减少层数会有帮助。</translation>
    </message>
    <message>
        <source>Gradients vanishing in %1 (ratio down to %2) while the loss is still %4: learning has all but stopped before the network has learnt the data.</source>
        <translation>%1 的梯度消失（比值低至 %2），而损失仍为 %4：网络还没学会这些数据，学习却几乎停止了。</translation>
    </message>
    <message>
        <source>Settled: %1 (ratio down to %2). The loss fell from %5 to %4, so the gradients are small because little is left to learn. That is convergence, not a vanishing gradient.</source>
        <translation>已稳定：%1（比值低至 %2）。损失从 %5 降到了 %4，梯度小是因为剩下可学的东西不多了。这是收敛，不是梯度消失。</translation>
    </message>
    <message>
        <source>Gradient check failed: %s</source>
        <translation>梯度检验失败：%s</translation>
    </message>
    <message>
        <source>Gradient check (backprop vs finite differences, float64):</source>
        <translation>梯度检验（反向传播对比有限差分，float64）：</translation>
    </message>
    <message>
        <source>%1: %2, worst %3 of the allowed difference</source>
        <translation>%1：%2，最大差异为允许差异的 %3</translation>
    </message>
    <message>
        <source>, skipped %1</source>
        <translation>，跳过 %1</translation>
    </message>
    <message>
        <source>Gradient check: %s</source>
        <translation>梯度检验：%s</translation>
    </message>
    <message>
        <source>Gradient check: every gradient matches finite differences</source>
        <translation>梯度检验：所有梯度都与有限差分一致</translation>
    </message>
    <message>
        <source>Gradient check: some gradients differ from finite differences (see the nodes)</source>
        <translation>梯度检验：部分梯度与有限差分不一致（见各节点）</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>FAIL</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Histograms of</source>
        <translation>直方图：</translation>
    </message>
</context>
<context>
    <name>HeatmapView</name>
    <message>
        <source>%1: %2×%3 shown, |max| %4</source>
        <translation>%1：显示 %2×%3，|最大值| %4</translation>
    </message>
    <message>
        <source>%1 %2, %3 %4, position (%5, %6)</source>
        <translation>%1 %2，%3 %4，位置 (%5, %6)</translation>
    </message>
    <message>
        <source>%1 %2, %3 %4</source>
        <translation>%1 %2，%3 %4</translation>
    </message>
    <message>
        <source>row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>column</source>
        <translation>列</translation>
    </message>
</context>
<context>
    <name>Help</name>
    <message>
        <source>What am I looking at?</source>
        <translation>我在看什么？</translation>
    </message>
    <message>
        <source>Take the &amp;Tour</source>
        <translation>新手导览(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;What Am I Looking At?</source>
        <translation>我在看什么？(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Explain a Panel</source>
        <translation>面板说明(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Formulas Explained</source>
        <translation>公式详解(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About nnviz</source>
        <translation>关于 nnviz(&amp;A)</translation>
    </message>
</context>
<context>
    <name>HelpDialogs</name>
    <message>
        <source>Mouse</source>
        <translation>鼠标</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>Wheel</source>
        <translation>滚轮</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <source>Middle button drag, or Space + drag</source>
        <translation>按住中键拖动，或按住空格键拖动</translation>
    </message>
    <message>
        <source>Connect two layers</source>
        <translation>连接两个层</translation>
    </message>
    <message>
        <source>Drag from an output port to an input port</source>
        <translation>从输出端口拖到输入端口</translation>
    </message>
    <message>
        <source>Insert a layer into a connection</source>
        <translation>把层插入到连接中</translation>
    </message>
    <message>
        <source>Drop it on the connection</source>
        <translation>把它拖放到连接线上</translation>
    </message>
    <message>
        <source>Select several layers</source>
        <translation>选择多个层</translation>
    </message>
    <message>
        <source>Drag a rectangle on empty canvas</source>
        <translation>在画布空白处拖出一个矩形</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Menu</source>
        <translation>菜单</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Draw a neural network, step through its training one micro-step at a time, export it to PyTorch.</source>
        <translation>绘制神经网络，一个微步一个微步地观察它的训练过程，并导出为 PyTorch 代码。</translation>
    </message>
    <message>
        <source>Python %1 on %2</source>
        <translation>Python %1，运行于 %2</translation>
    </message>
    <message>
        <source>nnviz is free software under the MIT licence. Qt is used under the GNU LGPL version 3; you may replace the Qt libraries it uses with your own build.</source>
        <translation>nnviz 是采用 MIT 许可证的自由软件。Qt 依据 GNU LGPL 第 3 版使用；你可以用自己构建的 Qt 库替换它所使用的 Qt 库。</translation>
    </message>
    <message>
        <source>8x8 handwritten digits: the UCI Optical Recognition of Handwritten Digits test set by E. Alpaydin and C. Kaynak (1998), CC BY 4.0, as distributed with scikit-learn (BSD-3-Clause). Full notice: resources/data/digits/NOTICE.txt.</source>
        <translation>8×8 手写数字：E. Alpaydin 和 C. Kaynak（1998）的 UCI 手写数字光学识别数据集的测试集，CC BY 4.0 许可，取自 scikit-learn 的发行版（BSD-3-Clause）。完整声明见 resources/data/digits/NOTICE.txt。</translation>
    </message>
    <message>
        <source>Bilingual sentiment sentences: written for nnviz, CC0 1.0 (public domain).</source>
        <translation>中英双语情感句子：为 nnviz 编写，CC0 1.0（公有领域）。</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>组件</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>Licences</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>Shipped data</source>
        <translation>附带的数据</translation>
    </message>
    <message>
        <source>About nnviz</source>
        <translation>关于 nnviz</translation>
    </message>
    <message>
        <source>Formulas Explained</source>
        <translation>公式详解</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <source>Select a layer on the canvas to see and edit it here.</source>
        <translation>在画布上选中一个层，即可在这里查看和编辑它。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Input shape</source>
        <translation>输入形状</translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation>输出形状</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
</context>
<context>
    <name>IntsEditor</name>
    <message>
        <source>e.g. 1, 28, 28</source>
        <translation>例如 1, 28, 28</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Restart now</source>
        <translation>立即重新启动</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <source>nnviz will use the new language the next time it starts.</source>
        <translation>nnviz 下次启动时将使用新的语言。</translation>
    </message>
</context>
<context>
    <name>LessonInWindow</name>
    <message>
        <source>Lessons</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Press Step (F10) to walk the micro-steps up to the first stop, or:</source>
        <translation>按单步（F10）逐个微步走到第一个停靠点，或者：</translation>
    </message>
    <message>
        <source>Press Step (F10) to go on, or:</source>
        <translation>按单步（F10）继续，或者：</translation>
    </message>
    <message>
        <source>Lesson finished: %s</source>
        <translation>课程结束：%s</translation>
    </message>
</context>
<context>
    <name>LessonsDialog</name>
    <message>
        <source>Lessons</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Each lesson opens a small network, stops at chosen micro-steps and asks you for values. Compute them by hand; the score counts answers right at the first try.</source>
        <translation>每课打开一个小网络，在选定的微步停下，请你给出一些值。请亲手计算；得分只计首次就答对的题。</translation>
    </message>
    <message>
        <source>not taken yet</source>
        <translation>尚未学习</translation>
    </message>
    <message>
        <source>%1 of %2 right at the first try</source>
        <translation>%2 题中首次答对 %1 题</translation>
    </message>
</context>
<context>
    <name>LessonsMenu</name>
    <message>
        <source>Lessons…</source>
        <translation>课程…</translation>
    </message>
    <message>
        <source>Lessons built from the guides: compute each value, nnviz checks it</source>
        <translation>根据教程编写的课程：你来计算每个值，nnviz 来检查</translation>
    </message>
    <message>
        <source>Lessons</source>
        <translation>课程</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>&lt;start&gt;</source>
        <translation>&lt;开始&gt;</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Drag a layer from the palette onto the canvas; drag from an output port to an input port to connect.</source>
        <translation>把层从层面板拖到画布上；从输出端口拖到输入端口即可连接。</translation>
    </message>
    <message>
        <source>untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>an untitled network</source>
        <translation>一个未命名的网络</translation>
    </message>
    <message>
        <source>Recover unsaved work?</source>
        <translation>恢复未保存的工作吗？</translation>
    </message>
    <message>
        <source>nnviz closed unexpectedly while %s had unsaved changes. Restore them?</source>
        <translation>nnviz 意外关闭时，%s 有未保存的更改。要恢复它们吗？</translation>
    </message>
    <message>
        <source>Cannot recover</source>
        <translation>无法恢复</translation>
    </message>
    <message>
        <source>Recovered unsaved work</source>
        <translation>已恢复未保存的工作</translation>
    </message>
    <message>
        <source>The network is empty: drag an Input layer from the palette</source>
        <translation>网络是空的：请从层面板拖入一个“输入”层</translation>
    </message>
    <message>
        <source>Fix the graph first: %s</source>
        <translation>请先修正网络：%s</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation>面板(&amp;P)</translation>
    </message>
    <message>
        <source>Wheel: zoom · middle-button drag: pan · drag from an output port to an input port: connect · drop a layer on a connection: insert it</source>
        <translation>滚轮：缩放 · 中键拖动：平移 · 从输出端口拖到输入端口：连接 · 把层拖放到连接线上：插入</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>About nnviz</source>
        <translation>关于 nnviz</translation>
    </message>
    <message>
        <source>&lt;b&gt;nnviz %s&lt;/b&gt;&lt;p&gt;Draw a neural network, step through its training one micro-step at a time, export it to PyTorch.&lt;/p&gt;</source>
        <translation>&lt;b&gt;nnviz %s&lt;/b&gt;&lt;p&gt;绘制神经网络，一个微步一个微步地观察它的训练过程，并导出为 PyTorch 代码。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;About nnviz</source>
        <translation>关于 nnviz(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Actual Size</source>
        <translation>实际大小(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Duplicate</source>
        <translation>创建副本(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Fit to Window</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>粘贴(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Reset Layout</source>
        <translation>重置布局(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Revert</source>
        <translation>还原(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>A Keras-style table of layers, shapes and parameters</source>
        <translation>Keras 风格的表格，列出各层、形状和参数</translation>
    </message>
    <message>
        <source>Arrange the layers in columns by depth</source>
        <translation>按深度把各层排成若干列</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Auto &amp;Layout</source>
        <translation>自动布局(&amp;L)</translation>
    </message>
    <message>
        <source>Close nnviz</source>
        <translation>关闭 nnviz</translation>
    </message>
    <message>
        <source>Copy and paste in one go</source>
        <translation>一步完成复制和粘贴</translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation>剪切(&amp;T)</translation>
    </message>
    <message>
        <source>De&amp;lete</source>
        <translation>删除(&amp;L)</translation>
    </message>
    <message>
        <source>Decision boundary</source>
        <translation>决策边界</translation>
    </message>
    <message>
        <source>Delete the selected layers and connections</source>
        <translation>删除选中的层和连接</translation>
    </message>
    <message>
        <source>Exercise</source>
        <translation>练习</translation>
    </message>
    <message>
        <source>Find &amp;Layer</source>
        <translation>查找层(&amp;L)</translation>
    </message>
    <message>
        <source>Formula</source>
        <translation>公式</translation>
    </message>
    <message>
        <source>Go back to the saved file</source>
        <translation>回到已保存的文件</translation>
    </message>
    <message>
        <source>Gradient health</source>
        <translation>梯度健康</translation>
    </message>
    <message>
        <source>Keras code</source>
        <translation>Keras 代码</translation>
    </message>
    <message>
        <source>Loss and accuracy</source>
        <translation>损失与准确率</translation>
    </message>
    <message>
        <source>Model &amp;Summary…</source>
        <translation>模型概要(&amp;S)…</translation>
    </message>
    <message>
        <source>Neurons</source>
        <translation>神经元</translation>
    </message>
    <message>
        <source>ONNX export</source>
        <translation>ONNX 导出</translation>
    </message>
    <message>
        <source>Open a .nnviz file</source>
        <translation>打开 .nnviz 文件</translation>
    </message>
    <message>
        <source>Put every panel back where it was at first start</source>
        <translation>把每个面板放回首次启动时的位置</translation>
    </message>
    <message>
        <source>PyTorch code</source>
        <translation>PyTorch 代码</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the network</source>
        <translation>保存网络</translation>
    </message>
    <message>
        <source>Save under a new name</source>
        <translation>以新名称保存</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <source>Show the whole network</source>
        <translation>显示整个网络</translation>
    </message>
    <message>
        <source>Start an empty network</source>
        <translation>新建一个空网络</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>Through time</source>
        <translation>按时间展开</translation>
    </message>
    <message>
        <source>Training settings</source>
        <translation>训练设置</translation>
    </message>
    <message>
        <source>Type to filter the layer palette</source>
        <translation>输入文字筛选层面板</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>E&amp;xport</source>
        <translation>导出(&amp;X)</translation>
    </message>
    <message>
        <source>PyTorch...</source>
        <translation>PyTorch...</translation>
    </message>
    <message>
        <source>Show the PyTorch code of this network and export it</source>
        <translation>显示这个网络的 PyTorch 代码并导出</translation>
    </message>
    <message>
        <source>Keras...</source>
        <translation>Keras...</translation>
    </message>
    <message>
        <source>Show the Keras 3 code of this network and export it</source>
        <translation>显示这个网络的 Keras 3 代码并导出</translation>
    </message>
    <message>
        <source>ONNX...</source>
        <translation>ONNX...</translation>
    </message>
    <message>
        <source>Export this network as an ONNX model (for Netron and inference runtimes)</source>
        <translation>把这个网络导出为 ONNX 模型（供 Netron 和推理运行时使用）</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <source>PyTorch model...</source>
        <translation>PyTorch 模型...</translation>
    </message>
    <message>
        <source>Import a PyTorch model</source>
        <translation>导入 PyTorch 模型</translation>
    </message>
    <message>
        <source>Python files (*.py)</source>
        <translation>Python 文件 (*.py)</translation>
    </message>
    <message>
        <source>Function (or class) in the file that returns the model:</source>
        <translation>文件中返回模型的函数（或类）：</translation>
    </message>
    <message>
        <source>Shape of one input sample, e.g. 3,32,32:</source>
        <translation>单个输入样本的形状，例如 3,32,32：</translation>
    </message>
    <message>
        <source>Imported %1</source>
        <translation>已导入 %1</translation>
    </message>
</context>
<context>
    <name>NeuronView</name>
    <message>
        <source>Click a connection to see or change its weight.</source>
        <translation>点击一条连接，查看或修改它的权重。</translation>
    </message>
    <message>
        <source>Set weight</source>
        <translation>设置权重</translation>
    </message>
    <message>
        <source>%s unit %d</source>
        <translation>%s 的第 %d 个单元</translation>
    </message>
    <message>
        <source>%1 (%2 of %3)</source>
        <translation>%1（%3 个中的 %2 个）</translation>
    </message>
    <message>
        <source>The neuron view draws chains of Dense layers (Input, Dense and activations one after another, each a vector of units).</source>
        <translation>神经元视图只绘制由全连接层串成的链（输入、全连接层和激活函数依次相连，每层都是一列单元）。</translation>
    </message>
    <message>
        <source>&apos;%1&apos;: %2 of %3</source>
        <translation>“%1”：%3 个中的 %2 个</translation>
    </message>
    <message>
        <source>Wide layers show their %1 units with the largest weights (into a unit; out of an input), numbered: %2.</source>
        <translation>较宽的层只显示权重最大的 %1 个单元（按进入该单元的权重；输入层按从该输入出发的权重），并标出编号：%2。</translation>
    </message>
    <message>
        <source>A taller panel shows more, up to %1.</source>
        <translation>面板拉高后会显示更多，最多 %1 个。</translation>
    </message>
    <message>
        <source>Wide layers: their strongest units (by weight), numbered.</source>
        <translation>宽层：只画权重最大的单元（带编号）。</translation>
    </message>
    <message>
        <source>weight[%1, %2] of &apos;%3&apos; = %4</source>
        <translation>“%3”的权重[%1, %2] = %4</translation>
    </message>
    <message>
        <source>&apos;%1&apos; weight[%2, %3] =</source>
        <translation>“%1”的权重[%2, %3] =</translation>
    </message>
</context>
<context>
    <name>NodeItem</name>
    <message>
        <source>output: drag to an input to connect</source>
        <translation>输出：拖到某个输入上即可连接</translation>
    </message>
    <message>
        <source>input %d: drag from an output to connect</source>
        <translation>输入 %d：从某个输出拖到这里即可连接</translation>
    </message>
    <message>
        <source>params: ?</source>
        <translation>参数：?</translation>
    </message>
    <message>
        <source>1 param</source>
        <translation>1 个参数</translation>
    </message>
    <message>
        <source>%s params</source>
        <translation>%s 个参数</translation>
    </message>
</context>
<context>
    <name>NumberEdit</name>
    <message>
        <source>&apos;%1&apos; is not a number (write e.g. 0.001 or 1e-3)</source>
        <translation>“%1”不是数字（可写作 0.001 或 1e-3）</translation>
    </message>
    <message>
        <source>Type a finite number</source>
        <translation>请输入有限的数</translation>
    </message>
    <message>
        <source>Type a whole number</source>
        <translation>请输入整数</translation>
    </message>
    <message>
        <source>The smallest allowed is %1</source>
        <translation>允许的最小值是 %1</translation>
    </message>
    <message>
        <source>The largest allowed is %1</source>
        <translation>允许的最大值是 %1</translation>
    </message>
    <message>
        <source>Too small for this field: it keeps %1 decimals</source>
        <translation>对此字段来说太小：它只保留 %1 位小数</translation>
    </message>
</context>
<context>
    <name>Palette</name>
    <message>
        <source>Filter layers…</source>
        <translation>筛选层…</translation>
    </message>
</context>
<context>
    <name>PanelHelp</name>
    <message>
        <source>Canvas</source>
        <translation>画布</translation>
    </message>
    <message>
        <source>Your network. Each box is a layer: its type, its name, its key settings, the shape of one sample it outputs (without the batch dimension) and how many numbers it learns. Curves carry tensors from an output port (right) to an input port (left) and are labelled with their shape. Drag from the palette to add a layer, from port to port to connect, onto a curve to insert. While training, the active layer glows: blue in the forward pass, red in the backward pass, green in the update.</source>
        <translation>这是你的网络。每个方框是一个层：显示它的类型、名称、主要设置、输出的单个样本的形状（不含批维度）以及它要学习的参数个数。曲线把张量从输出端口（右侧）传到输入端口（左侧），并标注张量的形状。从层面板拖动可以添加层，从端口拖到端口可以连接，拖到曲线上可以插入。训练时，当前的层会发光：前向传播时为蓝色，反向传播时为红色，更新参数时为绿色。</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>The layer library, grouped by kind. Hover over a layer for a one-line explanation; drag it onto the canvas, or double-click to put it in the middle. Type in the filter box to find a layer.</source>
        <translation>按类别分组的层库。把鼠标停在某个层上可以看到一句话说明；把它拖到画布上，或双击把它放到画布中央。在筛选框中输入文字可以查找层。</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <source>The selected layer&apos;s settings. Every change is checked at once and can be undone. Below them: the shapes going in and out, the number of parameters and, for small layers, a table of the starting weights and biases that you can type into.</source>
        <translation>所选层的设置。每次修改都会立即检查，并且可以撤销。下方是输入和输出的形状、参数个数；对于较小的层，还有一张可以直接输入数值的初始权重和偏置表。</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Everything that stops the network from training, in plain words: shapes that do not fit, unconnected inputs, cycles. Double-click a problem to select the layer it is about.</source>
        <translation>用通俗的话列出所有妨碍网络训练的问题：形状不匹配、输入未连接、出现环路等。双击某个问题可以选中它所涉及的层。</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>Every edit you made, oldest first. Click a line to go back to that moment (the same as Undo); making a new edit from there throws the later ones away.</source>
        <translation>你做过的每一次编辑，最早的在最上面。点击某一行可以回到那个时刻（与撤销相同）；从那里再做新的编辑，后面的记录就会被丢弃。</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Step runs one micro-step: loading a batch, one layer forward, the loss, one layer backward or the update. Step batch finishes the current batch; Step epoch the current epoch; Run keeps going until you pause. Rewind goes back exactly one batch; Reset returns to the same starting weights; Re-initialise draws new ones. The line on the right says where you are.</source>
        <translation>“单步”执行一个微步：载入一批数据、一层的前向传播、计算损失、一层的反向传播或一次参数更新。“单批”完成当前这一批；“单轮”完成当前这一轮（epoch）；“运行”会一直执行直到你暂停。“回退”精确地退回一批；“重置”回到同样的初始权重；“重新初始化”则重新随机生成初始权重。右侧的文字说明当前所处的位置。</translation>
    </message>
    <message>
        <source>Formula</source>
        <translation>公式</translation>
    </message>
    <message>
        <source>The rule the current micro-step computes. Forward: z = W·x + b and a = f(z). Backward: the error term δ = ∂L/∂z, the gradients ∂L/∂W = δ·xᵀ and ∂L/∂b = δ, and what is passed back, Wᵀ·δ. Update: the optimiser&apos;s rule. For small layers the second half repeats it with the real numbers of the first sample, so you can check every step by hand.</source>
        <translation>当前微步所计算的规则。前向传播：z = W·x + b 和 a = f(z)。反向传播：误差项 δ = ∂L/∂z，梯度 ∂L/∂W = δ·xᵀ 和 ∂L/∂b = δ，以及传回上一层的 Wᵀ·δ。更新：优化器的更新规则。对于较小的层，下半部分会代入第一个样本的真实数值再算一遍，你可以用笔逐步核对。</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>The numbers of the current micro-step: inputs, pre-activations z, outputs, the incoming gradient, δ, the weight and bias gradients and the new weights. The heatmap colours negative values blue and positive ones orange or red, zero white; the table shows exact values, with the entries used in the formula highlighted. Export CSV saves them all.</source>
        <translation>当前微步的所有数值：输入、激活前的值 z、输出、传入的梯度、δ、权重和偏置的梯度以及新的权重。热力图中负值为蓝色，正值为橙色或红色，零为白色；表格显示精确数值，并突出显示公式中用到的元素。“导出 CSV”可以把它们全部保存下来。</translation>
    </message>
    <message>
        <source>Loss and accuracy</source>
        <translation>损失与准确率</translation>
    </message>
    <message>
        <source>The loss (lower is better) and the accuracy (for classification) after each step, on the training data and on the held-back validation data. A validation curve that turns upwards while the training curve keeps falling means the network is memorising: overfitting.</source>
        <translation>每一步之后在训练数据和预留的验证数据上的损失（越低越好）和准确率（用于分类）。如果训练曲线还在下降而验证曲线开始上升，说明网络在死记硬背：这就是过拟合。</translation>
    </message>
    <message>
        <source>Training settings</source>
        <translation>训练设置</translation>
    </message>
    <message>
        <source>How the network learns: the loss function that measures the error, the optimiser and its learning rate η (the step size), the batch size (samples per update), the number of epochs, the random seed (same seed, same run) and the numeric precision.</source>
        <translation>网络如何学习：衡量误差的损失函数、优化器及其学习率 η（步长）、批大小（每次更新所用的样本数）、训练轮数（epoch）、随机种子（种子相同，运行结果就相同）以及数值精度。</translation>
    </message>
    <message>
        <source>Decision boundary</source>
        <translation>决策边界</translation>
    </message>
    <message>
        <source>For data with two input features: the plane coloured by the class the network predicts at each point, with the training points on top. Watch the boundary bend as the network learns.</source>
        <translation>适用于有两个输入特征的数据：按网络在每一点预测的类别给平面着色，并在上面画出训练样本点。观察网络学习时边界如何弯曲。</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>The data set the network trains on: built-in sets (XOR, spirals, digits ...) or your own file. The preview shows samples and classes; the validation share is held back to measure how well the network generalises.</source>
        <translation>网络训练所用的数据集：内置数据集（异或、螺旋线、手写数字等）或你自己的文件。预览中显示样本和类别；验证集部分会被预留出来，用来衡量网络的泛化能力。</translation>
    </message>
    <message>
        <source>Neurons</source>
        <translation>神经元</translation>
    </message>
    <message>
        <source>Small networks drawn neuron by neuron. The width and colour of a connection show its weight; a neuron&apos;s fill shows its activation in the forward pass and its δ in the backward pass.</source>
        <translation>把小型网络逐个神经元画出来。连接线的粗细和颜色表示权重；神经元的填充色在前向传播时表示激活值，在反向传播时表示 δ。</translation>
    </message>
    <message>
        <source>Gradient health</source>
        <translation>梯度健康</translation>
    </message>
    <message>
        <source>For each layer, the size of its gradients relative to its weights over time. A layer whose gradients are thousands of times smaller than another layer&apos;s is marked vanishing: the error signal fades on its way back and that layer hardly learns. Small gradients everywhere after the loss has fallen mean the network has settled (converged), which is no warning. Very large values mean the updates are too big (exploding gradients).</source>
        <translation>每一层的梯度相对于其权重的大小随时间的变化。如果某一层的梯度比另一层小几千倍，就会被标为梯度消失：误差信号在反向传播途中衰减，这一层几乎学不到东西。损失下降之后各层梯度都很小，说明网络已经稳定（收敛），这不是警告。数值很大说明更新步子太大（梯度爆炸）。</translation>
    </message>
    <message>
        <source>Through time</source>
        <translation>按时间展开</translation>
    </message>
    <message>
        <source>A recurrent layer (SimpleRNN, LSTM, GRU) unrolled over time for one sample: rows are units, columns are the time steps t = 1..T. Choose the hidden state h_t, the cell state c_t or a gate. In the backward pass (backpropagation through time) the size of the gradient reaching each h_t shows whether early words still get any signal or the gradient vanishes on the way back.</source>
        <translation>把一个样本在循环层（SimpleRNN、LSTM、GRU）中按时间展开：行是单元，列是时间步 t = 1..T。可以选择隐藏状态 h_t、细胞状态 c_t 或某个门。在反向传播（随时间反向传播）中，到达每个 h_t 的梯度大小表明靠前的词是否还能得到信号，还是梯度在往回传的途中消失了。</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Self-attention for one sentence of the batch, one heatmap per head, the sentence&apos;s tokens on both axes: each row is a query (the token that looks), each column a key (the token it looks at), and a row of the attention weights A = softmax(Q·Kᵀ/√d) sums to 1. Blank cells are masked: padding, or later tokens when the attention is causal. Choose the scores S, or after the backward pass ∂L/∂A and ∂L/∂S. For a LayerNorm it shows x̂ and each position&apos;s mean and variance.</source>
        <translation>批次中一个句子的自注意力，每个头一张热力图，两条轴上都是句子的词元：每一行是一个查询（去“看”的词元），每一列是一个键（被它“看”的词元），注意力权重 A = softmax(Q·Kᵀ/√d) 的每一行之和为 1。空白的格子被屏蔽：填充，或在因果注意力中后面的词元。也可以选择分数 S，或在反向传播之后选择 ∂L/∂A 和 ∂L/∂S。对层归一化（LayerNorm）层，它显示 x̂ 以及每个位置的均值和方差。</translation>
    </message>
    <message>
        <source>Exercise</source>
        <translation>练习</translation>
    </message>
    <message>
        <source>You compute it first. In exercise mode (Train menu) and in a lesson (Help &gt; Lessons), Step asks for a value of the micro-step before showing it, with the numbers its formula needs. Type your number: it is right to 3 significant digits; a wrong one is compared with the usual mistakes (the sigmoid applied twice, the sign of the error, W instead of its transpose, ...). Hint, Formula with numbers and Show the answer help step by step.</source>
        <translation>先由你来算。在练习模式（训练菜单）和课程（帮助 &gt; 课程）中，单步会在显示一个微步之前先问它的一个值，并给出公式需要的数。输入你的数：保留 3 位有效数字即算正确；错误的答案会与常见错误比对（sigmoid 用了两次、误差的符号、用 W 而不是它的转置……）。提示、代入数值的公式和查看答案会一步步帮你。</translation>
    </message>
    <message>
        <source>This panel has no explanation yet. Help &gt; Take the Tour shows the main parts of nnviz.</source>
        <translation>这个面板还没有说明。“帮助 &gt; 新手导览”会介绍 nnviz 的主要部分。</translation>
    </message>
</context>
<context>
    <name>PathEdit</name>
    <message>
        <source>choose a folder...</source>
        <translation>选择文件夹...</translation>
    </message>
    <message>
        <source>choose a file...</source>
        <translation>选择文件...</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>Choose a data file</source>
        <translation>选择数据文件</translation>
    </message>
    <message>
        <source>Data (*.csv *.tsv *.txt *.npz);;All files (*)</source>
        <translation>数据 (*.csv *.tsv *.txt *.npz);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>ProblemsPanel</name>
    <message>
        <source>No problems: the network is ready to train.</source>
        <translation>没有问题：网络可以开始训练了。</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>QuestionPanel</name>
    <message>
        <source>your number, e.g. −0.0967</source>
        <translation>你的数，例如 −0.0967</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Hint</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Formula with numbers</source>
        <translation>代入数值的公式</translation>
    </message>
    <message>
        <source>Show the answer</source>
        <translation>查看答案</translation>
    </message>
    <message>
        <source>Go to the next stop</source>
        <translation>前往下一个停靠点</translation>
    </message>
    <message>
        <source>Exercise mode: press Step (F10) and compute the value asked before nnviz shows it.</source>
        <translation>练习模式：按单步（F10），在 nnviz 显示之前先算出所问的值。</translation>
    </message>
    <message>
        <source>The answer: %s</source>
        <translation>答案：%s</translation>
    </message>
</context>
<context>
    <name>SampleAction</name>
    <message>
        <source>Generate text...</source>
        <translation>生成文字...</translation>
    </message>
    <message>
        <source>Let a model trained to predict the next token continue a prompt</source>
        <translation>让一个训练来预测下一个词元的模型接着提示往下写</translation>
    </message>
</context>
<context>
    <name>SampleDialog</name>
    <message>
        <source>Generate text</source>
        <translation>生成文字</translation>
    </message>
    <message>
        <source>The model continues your prompt one token at a time. Temperature 0 always takes the likeliest next token (greedy); a higher temperature draws from the model&apos;s probabilities, so the text varies: the same seed gives the same text.</source>
        <translation>模型从你的提示开始，一次写一个词元。温度为 0 时总是选概率最大的下一个词元（贪心）；温度越高，就越是按模型给出的概率随机抽取，写出的文字会有变化：相同的种子写出相同的文字。</translation>
    </message>
    <message>
        <source>The text the model starts from</source>
        <translation>模型从这段文字开始往下写</translation>
    </message>
    <message>
        <source>How many tokens to write</source>
        <translation>要写多少个词元</translation>
    </message>
    <message>
        <source>0 = greedy (always the likeliest token); 1 = the model&apos;s own probabilities; higher = more surprising tokens</source>
        <translation>0 = 贪心（总是选概率最大的词元）；1 = 按模型自己的概率；更高 = 更出人意料的词元</translation>
    </message>
    <message>
        <source>Same seed, same text (when the temperature is above 0)</source>
        <translation>相同的种子，相同的文字（温度大于 0 时）</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Length (tokens)</source>
        <translation>长度（词元）</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>There is no model to ask yet: %s</source>
        <translation>还没有可以使用的模型：%s</translation>
    </message>
    <message>
        <source>There is no model to ask yet.</source>
        <translation>还没有可以使用的模型。</translation>
    </message>
    <message>
        <source>Each new token and the probability the model gave it:</source>
        <translation>每个新词元，以及模型给它的概率：</translation>
    </message>
    <message>
        <source>Written by the model as it is after training step %d.</source>
        <translation>这是模型在第 %d 个训练步之后写出的。</translation>
    </message>
    <message>
        <source>This model is untrained, so it writes noise: train it first, then generate again.</source>
        <translation>这个模型还没有训练，写出的是杂乱的文字：请先训练它，再生成一次。</translation>
    </message>
</context>
<context>
    <name>SequenceView</name>
    <message>
        <source>hidden state h_t</source>
        <translation>隐状态 h_t</translation>
    </message>
    <message>
        <source>cell state c_t</source>
        <translation>记忆元状态 c_t</translation>
    </message>
    <message>
        <source>input gate i</source>
        <translation>输入门 i</translation>
    </message>
    <message>
        <source>forget gate f</source>
        <translation>遗忘门 f</translation>
    </message>
    <message>
        <source>cell candidate g</source>
        <translation>候选记忆元 g</translation>
    </message>
    <message>
        <source>output gate o</source>
        <translation>输出门 o</translation>
    </message>
    <message>
        <source>reset gate r</source>
        <translation>重置门 r</translation>
    </message>
    <message>
        <source>update gate z</source>
        <translation>更新门 z</translation>
    </message>
    <message>
        <source>candidate n</source>
        <translation>候选隐状态 n</translation>
    </message>
    <message>
        <source>gradient dL/dh_t</source>
        <translation>梯度 dL/dh_t</translation>
    </message>
    <message>
        <source>Step through backward to see the gradient reaching each time step.</source>
        <translation>单步执行反向传播，即可看到梯度到达每个时间步。</translation>
    </message>
    <message>
        <source>No gradient reaches the last time step.</source>
        <translation>没有梯度到达最后一个时间步。</translation>
    </message>
    <message>
        <source>: the gradient vanishes on its way back through time; early steps barely learn.</source>
        <translation>：梯度在沿时间反向传播的过程中消失了；靠前的时间步几乎学不到东西。</translation>
    </message>
    <message>
        <source>: the gradient grows on its way back through time (exploding gradients).</source>
        <translation>：梯度在沿时间反向传播的过程中不断变大（梯度爆炸）。</translation>
    </message>
    <message>
        <source>: the gradient keeps its size through time.</source>
        <translation>：梯度沿时间传播时大小基本不变。</translation>
    </message>
    <message>
        <source>The recurrent layer to look at</source>
        <translation>要查看的循环层</translation>
    </message>
    <message>
        <source>sample </source>
        <translation>样本 </translation>
    </message>
    <message>
        <source>Which sample of the batch</source>
        <translation>查看这一批中的哪个样本</translation>
    </message>
    <message>
        <source>time step t</source>
        <translation>时间步 t</translation>
    </message>
    <message>
        <source>unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>mean ‖dL/dh_t‖</source>
        <translation>‖dL/dh_t‖ 的平均值</translation>
    </message>
    <message>
        <source>This network has no recurrent layer (SimpleRNN, LSTM or GRU).</source>
        <translation>这个网络没有循环层（SimpleRNN、LSTM 或 GRU）。</translation>
    </message>
    <message>
        <source>Press Step (F10) to run the layer through time.</source>
        <translation>按“单步”（F10）让这一层沿时间步运行。</translation>
    </message>
    <message>
        <source>%1, sample %2: rows = units, columns = t = 1..%3</source>
        <translation>%1，样本 %2：行 = 单元，列 = t = 1..%3</translation>
    </message>
</context>
<context>
    <name>SummaryDialog</name>
    <message>
        <source>Model summary</source>
        <translation>模型概要</translation>
    </message>
    <message>
        <source>Copy as text</source>
        <translation>复制为文本</translation>
    </message>
</context>
<context>
    <name>TensorPanel</name>
    <message>
        <source>No micro-step yet: press Step (F10)</source>
        <translation>还没有微步：请按“单步”（F10）</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Save every tensor of this micro-step as a CSV table</source>
        <translation>把这个微步的所有张量保存为 CSV 表格</translation>
    </message>
    <message>
        <source>%s · after step %d</source>
        <translation>%s · 第 %d 步之后</translation>
    </message>
    <message numerus="yes">
        <source>%n values: too many for a table of numbers. Point at the heatmap to read any one of them.</source>
        <translation>
            <numerusform>%n 个数值：太多，无法用表格列出。将鼠标指向热力图即可读出其中任意一个。</numerusform>
        </translation>
    </message>
    <message>
        <source>unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>sample</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>filter</source>
        <translation>卷积核</translation>
    </message>
    <message>
        <source>input channel</source>
        <translation>输入通道</translation>
    </message>
    <message>
        <source>channel</source>
        <translation>通道</translation>
    </message>
    <message>
        <source>Export micro-step tensors</source>
        <translation>导出微步张量</translation>
    </message>
</context>
<context>
    <name>Theme</name>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
</context>
<context>
    <name>Tour</name>
    <message>
        <source>Welcome to nnviz</source>
        <translation>欢迎使用 nnviz</translation>
    </message>
    <message>
        <source>nnviz lets you build a neural network and watch it learn one small step at a time: the forward pass layer by layer, the loss, the backward pass layer by layer and the weight update. This tour takes a minute; you can open it again from the Help menu.</source>
        <translation>nnviz 让你搭建一个神经网络，并一小步一小步地观察它如何学习：逐层的前向传播、损失、逐层的反向传播以及权重更新。这个导览只需一分钟；以后也可以从“帮助”菜单再次打开。</translation>
    </message>
    <message>
        <source>1. Build</source>
        <translation>1. 搭建</translation>
    </message>
    <message>
        <source>Drag layers from the Layers panel onto the canvas. Drag from a layer&apos;s output port (right) to another layer&apos;s input port (left) to connect them. Every curve shows the shape of the tensor it carries; a red layer tells you what is wrong.</source>
        <translation>把层从“层”面板拖到画布上。从一个层的输出端口（右侧）拖到另一个层的输入端口（左侧）就能把它们连起来。每条曲线都标出它所传递的张量的形状；变红的层会告诉你哪里出了问题。</translation>
    </message>
    <message>
        <source>2. Adjust</source>
        <translation>2. 调整</translation>
    </message>
    <message>
        <source>Click a layer to see its settings in the Inspector: units, activation, how the weights start. Everything can be undone with Ctrl+Z.</source>
        <translation>点击一个层，在“检查器”中查看它的设置：单元数、激活函数、权重的初始化方式。所有操作都可以用 Ctrl+Z 撤销。</translation>
    </message>
    <message>
        <source>3. Step</source>
        <translation>3. 单步执行</translation>
    </message>
    <message>
        <source>Press Step (F10) to run one micro-step. The active layer glows: blue going forward, red going backward, green while the weights are updated. Step batch (F11), Step epoch and Run (F5) go faster; Rewind goes back exactly one batch.</source>
        <translation>按“单步”（F10）执行一个微步。当前的层会发光：前向传播时为蓝色，反向传播时为红色，更新权重时为绿色。“单批”（F11）、“单轮”和“运行”（F5）走得更快；“回退”精确地退回一批。</translation>
    </message>
    <message>
        <source>4. Look</source>
        <translation>4. 观察</translation>
    </message>
    <message>
        <source>The Formula panel shows the rule of the current micro-step with the real numbers put in. The Tensors panel shows every number: z, the output, the error term δ, the gradients and the new weights.</source>
        <translation>“公式”面板显示当前微步的计算规则，并代入真实数值。“张量”面板显示所有数值：z、输出、误差项 δ、梯度以及新的权重。</translation>
    </message>
    <message>
        <source>5. Learn more</source>
        <translation>5. 深入了解</translation>
    </message>
    <message>
        <source>Press Shift+F1 over any panel for &quot;What am I looking at?&quot;. Help &gt; Formulas Explained walks through forward and backward propagation. File &gt; Examples has small networks to start from.</source>
        <translation>把鼠标放在任意面板上按 Shift+F1，可以看到“我在看什么？”的说明。“帮助 &gt; 公式详解”会一步步讲解前向传播和反向传播。“文件 &gt; 示例”中有一些可以直接上手的小网络。</translation>
    </message>
    <message>
        <source>Tour</source>
        <translation>导览</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Skip tour</source>
        <translation>跳过导览</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>第 %1 页，共 %2 页</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>TrainingActions</name>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>One micro-step: a layer&apos;s forward or backward, the loss or an update</source>
        <translation>一个微步：一层的前向或反向传播、计算损失或一次更新</translation>
    </message>
    <message>
        <source>Step batch</source>
        <translation>单批</translation>
    </message>
    <message>
        <source>Finish this training step (one batch)</source>
        <translation>完成当前训练步（一批）</translation>
    </message>
    <message>
        <source>Step epoch</source>
        <translation>单轮</translation>
    </message>
    <message>
        <source>Train to the end of this epoch</source>
        <translation>训练到本轮（epoch）结束</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Train continuously; press again to pause</source>
        <translation>连续训练；再按一次暂停</translation>
    </message>
    <message>
        <source>Rewind</source>
        <translation>回退</translation>
    </message>
    <message>
        <source>Back one batch, exactly as it was</source>
        <translation>精确地退回一批之前的状态</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Back to the same initial weights</source>
        <translation>回到同样的初始权重</translation>
    </message>
    <message>
        <source>Re-initialise</source>
        <translation>重新初始化</translation>
    </message>
    <message>
        <source>New random weights (the next seed)</source>
        <translation>新的随机权重（下一个随机种子）</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Cannot train yet: %s</source>
        <translation>还不能训练：%s</translation>
    </message>
</context>
<context>
    <name>TrainingController</name>
    <message>
        <source>no network to train</source>
        <translation>没有可训练的网络</translation>
    </message>
    <message>
        <source>Cannot train: %s</source>
        <translation>无法训练：%s</translation>
    </message>
    <message>
        <source>step %d</source>
        <translation>第 %d 步</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练中</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>next: %s</source>
        <translation>下一步：%s</translation>
    </message>
    <message>
        <source>epoch %d</source>
        <translation>第 %d 轮</translation>
    </message>
    <message>
        <source>loss %s</source>
        <translation>损失 %s</translation>
    </message>
    <message>
        <source>stopped: %s is not finite (&apos;%s&apos;)</source>
        <translation>已停止：%s 出现了非有限值（“%s”）</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>载入批次</translation>
    </message>
    <message>
        <source>forward</source>
        <translation>前向传播</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>backward</source>
        <translation>反向传播</translation>
    </message>
    <message>
        <source>update</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Loading the data set: training can start once it is read</source>
        <translation>正在加载数据集：读完后即可开始训练</translation>
    </message>
    <message>
        <source>Loading the data set was cancelled: choose other data in the Data panel, or open the file again to wait for it</source>
        <translation>已取消加载数据集：请在“数据”面板中选择其他数据，或重新打开文件以等待它加载</translation>
    </message>
    <message>
        <source>Training stopped at a NaN or infinity: rewind first</source>
        <translation>训练因出现 NaN 或无穷大而停止：请先回退</translation>
    </message>
    <message>
        <source>Trained the %1 epochs set in Training settings. Raise Epochs there to train on, or Reset to start again.</source>
        <translation>已训练完“训练设置”中设定的 %1 轮。要继续训练，请在那里调大“训练轮数”；或按“重置”从头开始。</translation>
    </message>
</context>
<context>
    <name>TrainingPanels</name>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
</context>
<context>
    <name>TrainingSettingsPanel</name>
    <message>
        <source>Learning rate η</source>
        <translation>学习率 η</translation>
    </message>
    <message>
        <source>Momentum μ</source>
        <translation>动量 μ</translation>
    </message>
    <message>
        <source>Weight decay λ</source>
        <translation>权重衰减 λ</translation>
    </message>
    <message>
        <source>RMSprop α</source>
        <translation>RMSprop α</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>训练轮数</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失函数</translation>
    </message>
    <message>
        <source>Optimiser</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Rewind memory (MB)</source>
        <translation>回退历史内存 (MB)</translation>
    </message>
    <message>
        <source>Nesterov</source>
        <translation>Nesterov</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>数值精度</translation>
    </message>
    <message>
        <source>Shuffle every epoch</source>
        <translation>每轮打乱数据</translation>
    </message>
</context>
<context>
    <name>WeightsTable</name>
    <message>
        <source>Fix values</source>
        <translation>固定数值</translation>
    </message>
    <message>
        <source>Store initialiser values as this layer&apos;s explicit starting values</source>
        <translation>把初始化器生成的值保存为本层明确的初始值</translation>
    </message>
    <message>
        <source>Reset to initialiser</source>
        <translation>恢复为初始化器</translation>
    </message>
    <message>
        <source>Forget typed values; the initialiser chooses them again</source>
        <translation>丢弃手动输入的值；由初始化器重新生成</translation>
    </message>
    <message>
        <source>Typed starting values; training begins from these.</source>
        <translation>手动输入的初始值；训练将从这些值开始。</translation>
    </message>
    <message>
        <source>&apos;auto&apos;: the initialiser chooses these when training starts. Type a number to fix a value.</source>
        <translation>“auto”：训练开始时由初始化器生成这些值。输入一个数字即可固定该值。</translation>
    </message>
    <message>
        <source>&apos;%s&apos; is not a number</source>
        <translation>“%s”不是一个数字</translation>
    </message>
</context>
</TS>
