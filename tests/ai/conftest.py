from tests.fakes.fixtures import fake_gemini, fake_pinecone

__all__ = ["fake_gemini", "fake_pinecone"]
