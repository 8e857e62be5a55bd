"""PyTorch on the digits CNN, one thread: CNN1 (Forward of all 1,797 digits, us) and CNN2 (100 epochs of Adam steps on
shuffled 32-row batches of the first 1,437 rows, s), as StaticNet's benchmark runs them. Run like ../shared/bench's scripts:
OPENBLAS_NUM_THREADS=1 LD_LIBRARY_PATH=$OB /usr/bin/python3 torch_cnn.py ../../../shared/data/digits.csv.gz"""
import gzip, json, sys, time, statistics
import numpy as np, torch, torch.nn as nn
torch.set_num_threads(1)
rows = np.loadtxt(gzip.open(sys.argv[1]), delimiter=",", dtype=np.float32)
X, Y = torch.tensor(rows[:, :64]).reshape(-1, 1, 8, 8), torch.tensor(rows[:, 64].astype(np.int64))
def net(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 10))
m = net(0)
with torch.inference_mode():
    for _ in range(5): m(X)
    f = []
    for _ in range(7):
        t = time.perf_counter()
        for _ in range(10): m(X)
        f.append((time.perf_counter() - t) / 10 * 1e6)
loss_fn = nn.CrossEntropyLoss()
Xt, Yt = X[:1437], Y[:1437]
m = net(1); opt = torch.optim.Adam(m.parameters()); g = torch.Generator().manual_seed(1)
t = time.perf_counter()
for _ in range(100):
    perm = torch.randperm(1437, generator=g)
    for i in range(0, 1437, 32):
        idx = perm[i:i + 32]
        opt.zero_grad(); loss = loss_fn(m(Xt[idx]), Yt[idx]); loss.backward(); opt.step()
train = time.perf_counter() - t
print(json.dumps({"torch_cnn_forward_1797_us": statistics.median(f), "torch_cnn_100_epochs_s": train}))
