"""Read and check: workbooks in, validated rows and located Japanese problems out.
May import only pipeline.texts and the standard/third-party libraries; never the warehouse."""
