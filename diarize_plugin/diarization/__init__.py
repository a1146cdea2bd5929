"""diarization"""
