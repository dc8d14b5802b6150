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
        """Sample-weighted means of the step losses (and accuracies) of one epoch."""
        rows = [i for i, e in enumerate(self.step_epoch) if e == epoch]
        total = sum(self.step_size[i] for i in rows) or 1
        loss = sum(self.step_loss[i] * self.step_size[i] for i in rows) / total
        accs = [self.step_accuracy[i] for i in rows]
        acc = None if any(a is None for a in accs) or not rows else (
            sum(a * self.step_size[i] for a, i in zip(accs, rows)) / total)  # type: ignore[operator]
        return loss, acc

    def lengths(self) -> tuple[int, int]:
        return len(self.step_loss), len(self.epochs)

    def truncate(self, lengths: tuple[int, int]) -> None:
        steps, epochs = lengths
        for values in (self.step_loss, self.step_accuracy, self.step_epoch, self.step_size):
            del values[steps:]
        del self.epochs[epochs:]
