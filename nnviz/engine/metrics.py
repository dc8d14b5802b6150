"""Loss and accuracy per training step and per epoch."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EpochRow:
    epoch: int
    train_loss: float
    train_accuracy: float | None
    val_loss: float | None
    val_accuracy: float | None


@dataclass
class Metrics:
    step_loss: list[float] = field(default_factory=list)
    step_accuracy: list[float | None] = field(default_factory=list)
    step_epoch: list[int] = field(default_factory=list)
    step_size: list[int] = field(default_factory=list)
    epochs: list[EpochRow] = field(default_factory=list)

    def add_step(self, epoch: int, loss: float, accuracy: float | None, size: int) -> None:
        self.step_loss.append(loss)
        self.step_accuracy.append(accuracy)
        self.step_epoch.append(epoch)
        self.step_size.append(size)

    def epoch_means(self, epoch: int) -> tuple[float, float | None]:
        """Sample-weighted means of the step losses (and accuracies) of one epoch.

        Scans back from the newest step only while it belongs to `epoch`, so a long run stays linear."""
        i = len(self.step_epoch)
        while i > 0 and self.step_epoch[i - 1] == epoch:
            i -= 1
        rows = range(i, len(self.step_epoch))
        total = sum(self.step_size[j] for j in rows) or 1
        loss = sum(self.step_loss[j] * self.step_size[j] for j in rows) / total
        accs = [self.step_accuracy[j] for j in rows]
        if not rows or any(a is None for a in accs):
            return loss, None
        return loss, sum(a * self.step_size[j] for a, j in zip(accs, rows)) / total  # type: ignore[operator]

    def lengths(self) -> tuple[int, int]:
        return len(self.step_loss), len(self.epochs)

    def truncate(self, lengths: tuple[int, int]) -> None:
        steps, epochs = lengths
        for values in (self.step_loss, self.step_accuracy, self.step_epoch, self.step_size):
            del values[steps:]
        del self.epochs[epochs:]
