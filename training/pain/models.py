"""Pain study models: convolutional autoencoder (64x64 -> 8x8x10 latent) and the LSTM on latent sequences."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

LATENT_SHAPE = (10, 8, 8)
LATENT_DIM = 640


class PainAutoencoder(nn.Module):
    """Encoder: three 3x3 stride-2 convolutions of 10 filters, padding 1 ("same": 64->32->16->8), LeakyReLU 0.2.
    Decoder: three 3x3 stride-2 transposed convolutions (padding 1, output_padding 1: 8->16->32->64), LeakyReLU
    0.2 after the first two, sigmoid after the last (one output channel, images in [0,1])."""

    def __init__(self, filters: int = 10):
        super().__init__()
        act = lambda: nn.LeakyReLU(0.2)
        self.encoder = nn.Sequential(
            nn.Conv2d(1, filters, 3, 2, 1), act(),
            nn.Conv2d(filters, filters, 3, 2, 1), act(),
            nn.Conv2d(filters, filters, 3, 2, 1), act())
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(filters, filters, 3, 2, 1, output_padding=1), act(),
            nn.ConvTranspose2d(filters, filters, 3, 2, 1, output_padding=1), act(),
            nn.ConvTranspose2d(filters, 1, 3, 2, 1, output_padding=1), nn.Sigmoid())

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


class EncoderExport(nn.Module):
    """ONNX wrapper: frames [N,1,64,64] in [0,1] -> latent [N,640], flattened in (channel, row, col) order."""

    def __init__(self, ae: PainAutoencoder):
        super().__init__()
        self.encoder = ae.encoder

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return torch.flatten(self.encoder(frames), 1)


class PainSequenceModel(nn.Module):
    """LSTM over T latent vectors. Input features are standardised with the training set's per-feature mean and
    std (stored as buffers, so they are part of the exported graph). Dropout p acts on the standardised inputs and
    on the last hidden state. Two linear heads on the last time step: crying (2) and pain (3) logits."""

    def __init__(self, hidden: int = 1024, dropout: float = 0.5, in_dim: int = LATENT_DIM):
        super().__init__()
        self.register_buffer("mean", torch.zeros(in_dim))
        self.register_buffer("std", torch.ones(in_dim))
        self.drop_in = nn.Dropout(dropout)
        self.lstm = nn.LSTM(in_dim, hidden, batch_first=True)
        self.drop_out = nn.Dropout(dropout)
        self.cry = nn.Linear(hidden, 2)
        self.pain = nn.Linear(hidden, 3)

        # Training/evaluation path: the same LSTM written out with 1x1 convolutions for the matrix products.
        # Debian's torch uses the generic reference BLAS for matmul, about 10x slower than oneDNN convolutions.
        # The parameters are nn.LSTM's own (gate order i, f, g, o), so export uses the standard LSTM op.
        self.unrolled = True

    def forward(self, latents: torch.Tensor):
        x = self.drop_in((latents - self.mean) / self.std)
        if self.unrolled:
            h = self._lstm_unrolled(x)
        else:
            out, _ = self.lstm(x)
            h = out[:, -1]
        h = self.drop_out(h)
        return self.cry(h), self.pain(h)

    def _lstm_unrolled(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        hid = self.lstm.hidden_size
        gx = _linear(x.reshape(b * t, -1), self.lstm.weight_ih_l0, self.lstm.bias_ih_l0 + self.lstm.bias_hh_l0)
        gx = gx.reshape(b, t, 4 * hid)
        h = x.new_zeros(b, hid)
        c = x.new_zeros(b, hid)
        for k in range(t):
            g = gx[:, k] + _linear(h, self.lstm.weight_hh_l0)
            i, f, gg, o = g.chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(gg)
            h = torch.sigmoid(o) * torch.tanh(c)
        return h


def _linear(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None = None) -> torch.Tensor:
    """x [N,in] @ w[out,in]^T + b as a 1x1 convolution (oneDNN) -> [N,out]."""
    return F.conv2d(x[:, :, None, None], w[:, :, None, None], b)[:, :, 0, 0]


class SequenceExport(nn.Module):
    """ONNX wrapper: latents [B,T,640] -> crying [B,2], pain [B,3] softmax probabilities."""

    def __init__(self, model: PainSequenceModel):
        super().__init__()
        self.model = model
        model.unrolled = False  # export the standard ONNX LSTM op

    def forward(self, latents: torch.Tensor):
        c, p = self.model(latents)
        return torch.softmax(c, -1), torch.softmax(p, -1)
